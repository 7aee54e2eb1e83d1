"""Word lists every reader shares: the one list of stop words (function words and fillers that
carry no content in a client's message)."""

from __future__ import annotations

_STOP_WORDS_TEXT = (
    "a an the and or but so to of in on at for with by from as is are was were be been am i im "
    "me my you your it its this that these those there here do does did dont not no yes yeah ok "
    "okay just really very quite maybe um er like well then than too also about what how when "
    "who which would could should will can cant wont i'd id ill ive we our they them he she his "
    "her"
)
#: Function words and fillers: never a job, a topic or a content word on their own.
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
