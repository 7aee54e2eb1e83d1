"""The one text layer every reader of people's words uses (normalising, sentences).

Start here before writing a splitter or a Unicode fix of your own: a fix made once in this
package reaches every path (safeguarding, the interview's reading, the notes reader).
"""

from guidance_assistant.text.normalise import fold, sentences

__all__ = ["fold", "sentences"]
