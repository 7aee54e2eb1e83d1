"""What a trainer would point out in an adviser's turn, whatever its skill (:data:`SkillFlag`).

``no_source``
    information (a fact, a figure, a claim about routes, pay or the labour market) given without
    naming where it comes from ("Plumbers earn loads, like forty grand.").
``stereotype``
    an assumption about the client from their gender, ethnicity, age, disability or background
    ("A lot of girls go into childcare, so that could suit you.").
``early_advice``
    advice that jumps to an answer before the client's situation has been explored ("You like
    computers? Do computer science then. Sorted."). From the text alone; the practice session
    also counts advice given before enough exploring (the client engine's own judgement).

How (:class:`FlagDetector`): for each flag, a logistic regression (balanced class weights) over
the utterance's embedding, its function-word n-grams (:func:`~.skills.style_ngrams`) and a few
cues (:data:`FLAG_CUES`: a named source, a figure, group words, "before we...", "then."), fitted
on the spoken-style bank (``knowledge/skills/spoken/``), whose turns carry ``flags``; the older
files carry none and are left out. A flag is raised when its probability is at least
:data:`FLAG_THRESHOLD`. ``no_source`` is also raised by rule when the skill classifier says
``information`` and no source is named, and never raised when a source is named.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from guidance_assistant.practice.skills import (
    SKILL_FLAGS,
    LabelledUtterance,
    SkillFlag,
    StyleVocabulary,
    normalise,
    one_blas_thread,
    read_utterance_file,
    skills_dir,
    utterance_files,
)
from guidance_assistant.retrieval.embedding import Embedder

#: Probability at or above which a flag is raised.
FLAG_THRESHOLD = 0.7
#: Inverse regularisation strength of each flag's logistic regression.
FLAG_C = 3.0
#: Scale of the cues next to the unit-length embedding and n-gram vectors.
CUE_WEIGHT = 1.0
#: The subfolder of ``knowledge/skills`` whose turns carry flags.
FLAGGED_SUBFOLDER = "spoken"

#: Where information says where it comes from: a publication, a body or a site.
SOURCE = re.compile(
    r"\b(?:according to|says|said|states|shows|show|lists|listed|publish(?:es|ed)?|"
    r"website|site|page|web ?page|handbook|prospectus|booklet|leaflet|policy|guidance|spec|"
    r"report|survey|figures|data|statistics|stats|research|study|profile|portal|"
    r"gov\.?uk|ucas|ons|national careers service|ncs|prospects|discover uni|unistats|"
    r"lmi for all|careers wales|skills development scotland|my world of work|"
    r"student finance|saas|nhs|dfe|department for|office for|hesa|ofsted|"
    r"jobcentre|the college|the uni|the university|the exam board|the school's|"
    r"i checked|i looked (?:it )?up|i've got it here|look, here)\b"
)
_FIGURE = re.compile(r"\d|£|%|\b(?:grand|percent|hundred|thousand|million|pounds?|quid)\b")
_GROUP = re.compile(
    r"\b(?:girls?|boys?|lads?|women|woman|men|man|mums?|dads?|ladies|blokes?|"
    r"female|male|gender|culture|cultural|religion|muslim|christian|hindu|sikh|jewish|"
    r"asian|black|white|african|caribbean|polish|chinese|indian|pakistani|nigerian|"
    r"eastern european|immigrants?|foreign|english is|your english|accent|"
    r"background|estate|round here|round your way|where you grew up|families like|"
    r"people like you|someone like you|your sort|you lot|"
    r"at your age|your age|older|young person's|too old|"
    r"disability|disabled|dyslexi\w*|autis\w*|adhd|wheelchair|"
    r"posh|working class|single mum|council)\b"
)
_GENERALISING = re.compile(
    r"\b(?:most|a lot of|lots of|usually|tend to|always|all|typical(?:ly)?|naturally|"
    r"for a|for someone|considering|better than i expected|you wouldn't expect)\b"
)
_EARLY = re.compile(
    r"\b(?:before (?:we|you|anything)|first things? first|first thing|straight off|"
    r"from the off|straight (?:in|onto|into)|don't overthink|sorted|done\.|that's the answer|"
    r"easy answer|obvious one|i already know|you don't need to tell me|i can tell already|"
    r"i always say|i tell anyone|let's just|just (?:do|go|pick|take|get)|trust me)\b"
)
_THEN = re.compile(r"\b(?:then|so)[.!]")

#: Names of the cues that :func:`flag_cues` adds, in order.
FLAG_CUES: tuple[str, ...] = (
    "names a source",
    "a figure or amount",
    "group words (gender, ethnicity, age, disability, background)",
    "generalising words (most, usually, a lot of, for a...)",
    "group and generalising words together",
    "jumps ahead (before we..., first thing, sorted, trust me)",
    "a short answer closed with 'then.'",
    "ends with a question mark",
)


def names_source(text: str) -> bool:
    """Whether ``text`` says where its information comes from (a site, a body, a publication)."""
    return bool(SOURCE.search(normalise(text).replace("’", "'")))


def names_a_group(text: str) -> bool:
    """Whether ``text`` names a group a client may belong to (gender, ethnicity, age,
    disability, background): where a stereotype is to be found in a turn."""
    return bool(_GROUP.search(normalise(text).replace("’", "'")))


def flag_cues(text: str) -> list[float]:
    """The cues of :data:`FLAG_CUES` for one text (each 0 or 1)."""
    lowered = normalise(text).replace("’", "'")
    group = bool(_GROUP.search(lowered))
    generalising = bool(_GENERALISING.search(lowered))
    values = [
        bool(SOURCE.search(lowered)),
        bool(_FIGURE.search(lowered)),
        group,
        generalising,
        group and generalising,
        bool(_EARLY.search(lowered)),
        bool(_THEN.search(lowered)),
        lowered.rstrip().endswith("?"),
    ]
    return [float(v) for v in values]


def load_flagged(folder: str | None = None) -> list[LabelledUtterance]:
    """The turns whose ``flags`` were annotated: the files of ``knowledge/skills/spoken/``."""
    root = skills_dir() / (folder or FLAGGED_SUBFOLDER)
    return [u for path in utterance_files(root) for u in read_utterance_file(path)]


class FlagDetector:
    """One logistic regression per flag over embedding, n-grams and cues."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        threshold: float = FLAG_THRESHOLD,
        c: float = FLAG_C,
    ) -> None:
        self._embedder = embedder
        self.threshold = threshold
        self.c = c
        self._style: StyleVocabulary | None = None
        self._models: dict[SkillFlag, Any] = {}
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from guidance_assistant.practice.skills import default_classifier

            self._embedder = default_classifier().embedder
        return self._embedder

    def _features(self, texts: Sequence[str], style: StyleVocabulary) -> npt.NDArray[np.float64]:
        vectors = self.embedder.embed(list(texts)).astype(np.float64)
        cues = np.array([flag_cues(t) for t in texts], dtype=np.float64).reshape(
            len(texts), len(FLAG_CUES)
        )
        return np.hstack([vectors, style.matrix(texts), cues * CUE_WEIGHT])

    def fit(self, utterances: Sequence[LabelledUtterance]) -> FlagDetector:
        """Fit one model per flag on ``utterances`` (their ``flags``); returns ``self``."""
        from sklearn.linear_model import LogisticRegression

        texts = [u.text for u in utterances]
        style = StyleVocabulary(texts)
        features = self._features(texts, style)
        models: dict[SkillFlag, Any] = {}
        with one_blas_thread():
            for flag in SKILL_FLAGS:
                target = [flag in u.flags for u in utterances]
                if any(target) and not all(target):
                    model = LogisticRegression(C=self.c, class_weight="balanced", max_iter=3000)
                    model.fit(features, target)
                    models[flag] = model
        self._style = style
        self._models = models
        return self

    def _ensure_fitted(self) -> None:
        with self._lock:
            if self._style is None:
                self.fit(load_flagged())

    def probabilities(self, texts: Sequence[str]) -> dict[SkillFlag, npt.NDArray[np.float64]]:
        """Each flag's probability for each text (zeros for a flag without a model)."""
        out = {flag: np.zeros(len(texts), dtype=np.float64) for flag in SKILL_FLAGS}
        if not texts:
            return out
        self._ensure_fitted()
        assert self._style is not None
        features = self._features(texts, self._style)
        with one_blas_thread():
            for flag, model in self._models.items():
                column = list(model.classes_).index(True)
                out[flag] = np.asarray(model.predict_proba(features))[:, column]
        return out

    def detect(
        self, texts: Sequence[str], skills: Sequence[str] | None = None
    ) -> list[tuple[SkillFlag, ...]]:
        """The flags of each text. ``skills`` (the classifier's labels, when known) adds the
        rule: information that names no source is ``no_source``."""
        present = [i for i, t in enumerate(texts) if t.strip()]
        proba = self.probabilities([texts[i] for i in present])
        result: list[tuple[SkillFlag, ...]] = [() for _ in texts]
        for row, index in enumerate(present):
            text = texts[index]
            sourced = names_source(text)
            flags: list[SkillFlag] = []
            for flag in SKILL_FLAGS:
                raised = bool(proba[flag][row] >= self.threshold)
                if flag == "no_source":
                    by_rule = skills is not None and skills[index] == "information"
                    raised = (raised or by_rule) and not sourced
                if raised:
                    flags.append(flag)
            result[index] = tuple(flags)
        return result


_DEFAULT: FlagDetector | None = None
_DEFAULT_LOCK = threading.Lock()


def default_flag_detector() -> FlagDetector:
    """The shared detector behind :func:`detect_flags` (fitted on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = FlagDetector()
        return _DEFAULT


def detect_flags(text: str, skill: str | None = None) -> tuple[SkillFlag, ...]:
    """The flags of one adviser turn (``skill``: its label, when already known)."""
    return default_flag_detector().detect([text], None if skill is None else [skill])[0]
