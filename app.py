"""Start the guidance-assistant app: ``python app.py`` (settings from GA_* variables)."""

from guidance_assistant.config import get_settings
from guidance_assistant.ui import launch

if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    launch(get_settings())
