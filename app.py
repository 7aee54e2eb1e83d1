"""Start the guidance-assistant app: ``python app.py`` (settings from GA_* variables)."""

from guidance_assistant.cli import main

if __name__ == "__main__":
    import sys

    sys.argv = [sys.argv[0], "serve", *sys.argv[1:]]
    main()
