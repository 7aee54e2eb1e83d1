"""Preparing a guidance interview: the adviser's notes read into a brief.

>>> from guidance_assistant.prepare import prepare_brief
>>> brief = prepare_brief("Year 11, likes art, predicted 6 in English")
"""

from guidance_assistant.prepare.brief import PreparationBrief, prepare_brief

__all__ = ["PreparationBrief", "prepare_brief"]
