"""Label an adviser's utterance with the counselling skill it uses.

The labels (:data:`SkillLabel`) are the micro-skills of a careers guidance interview:

``contracting``
    agrees the frame of the session: purpose, agenda, time, confidentiality, roles, notes, consent.
``open_question``
    invites the client to talk at length in their own words ("What...", "How...", "Tell me...").
``closed_question``
    can be answered with yes/no, a fact or a short choice ("Are you...", "Which college...").
``reflection``
    gives back what the client said or seems to feel, even with a rising "?" ("So you feel stuck?").
``summary``
    pulls several of the client's points together.
``affirmation``
    recognises the client's strengths, efforts or progress; reassurance.
``information``
    gives facts about routes, funding, processes or the labour market.
``advice``
    suggests an action or an option, also as a question ("Have you thought about...?").
``challenge``
    kindly names a discrepancy or an unhelpful belief.
``other``
    greetings, small talk, backchannels, logistics, the adviser's own story.

How an utterance is labelled (:class:`SkillClassifier`):

1. The labelled set in ``knowledge/skills/utterances*.yaml`` and ``knowledge/skills/spoken/``
   (written for this project; the spoken bank holds long, multi-move turns with fillers and hedges,
   and marks each turn's secondary moves, ``also``, and its :data:`SkillFlag` s) is embedded
   with the bundled sentence-transformers model; each vector is extended with a few surface cues
   (:data:`SURFACE_FEATURES`: question form, length, figures, contrast words, who speaks) and with
   the function-word n-grams of the utterance (:func:`style_tokens`: "i _ you should _",
   "it sounds _ you're _", every content word blanked out), which say how an utterance is put
   where the embedding says what it is about, and so carry over to conversations on other
   topics; and a logistic regression (balanced class weights) is fitted on them the first time a
   prediction is asked for (seconds; on one BLAS thread, which is far faster than many on a few
   shared cores). The banks' vectors are kept in the models folder (:data:`BANK_VECTORS_FILE`)
   so that only the first run embeds them.
2. Rules (``empty`` always; the others are off by default, :data:`QUESTION_RULES`:
   ``SkillClassifier(question_rules=True)`` turns them on; the question form they read is always among the classifier's cues, and
   cross-validated on the banks the classifier alone tells open from closed better), applied in
   this order:

   ``empty``
       empty or whitespace-only text is ``other`` with confidence 1.0.
   ``advice_question``
       a question that proposes an action ("Have you thought about/considered/tried/looked
       at...", "Would you consider...", "Could you maybe/try...", "Why not...", "Why don't
       you...", "How/What about <verb>-ing...", "What if you...", "Would it help to...", "Is it
       worth...") is ``advice``. Confidence: the classifier's probability of advice, at least 0.5.
   ``open_question`` / ``closed_question``
       a question sentence (one that ends in "?", or starts with an auxiliary verb and a subject
       such as "did you", or a wh-word, an auxiliary and a subject such as "how did u", or with
       "tell me"/"describe"/"talk me through") whose first words are an interrogative opener is a
       question; its opener decides the type: what/how/why, "tell me", "describe", "can you tell
       me", "walk me through", "where do you see/think" are open; do/did/are/is/can/have/would/
       will, the factual wh-forms (which, when, where, who, how many/long/old/far, "what year/
       grade/time/name") and elliptical questions ("Anything else on your mind?", "Any luck?")
       are closed. Leading discourse words and greetings ("okay", "so", "and", "hi") are
       skipped, and so is a leading "when you.../if you..." clause up to its comma; when the
       start of a sentence ending in "?" opens no question, its last clause after a comma is
       read instead ("I'm sorry to hear that, what happened?"). Sentences that only check the
       adviser's understanding or a proposal ("..., am I right?", "Is that fair?", "How does
       that sound?") and proposals or requests for consent ("Shall we...?", "Would you be happy
       for me to...?") open no question: they close a reflection, a summary or contracting. When
       several question sentences are present, any open one makes the turn open. The rule yields
       to the classifier when the classifier's top label is not a question label and its
       probability is at least :data:`OVERRIDE_THRESHOLD` (a reflection, summary, challenge or
       advice phrased as a question). Confidence: the classifier's probability that the
       utterance is a question at all (open + closed).

   A "?" without an interrogative opener ("So you feel stuck?", "You want to stay local?") is left
   to the classifier: such declarative questions are mostly reflections or checks.
3. Otherwise (and always when the question rules are off) the classifier's most probable label, with its probability, and ``rule=None``.
"""

from __future__ import annotations

import importlib
import itertools
import re
import threading
from collections import Counter
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from guidance_assistant.config import BUNDLED_EMBEDDING_MODEL
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.paths import bundled_dir
from guidance_assistant.retrieval.embedding import (
    CachingEmbedder,
    Embedder,
    Vectors,
    load_embedder,
)
from guidance_assistant.text.sentences import split_sentences

SkillLabel = Literal[
    "contracting",
    "open_question",
    "closed_question",
    "reflection",
    "summary",
    "affirmation",
    "information",
    "advice",
    "challenge",
    "other",
]
SKILL_LABELS: tuple[SkillLabel, ...] = get_args(SkillLabel)
QUESTION_LABELS: frozenset[SkillLabel] = frozenset({"open_question", "closed_question"})

#: The least number of labelled utterances per label for :func:`load_utterances` to accept a set.
MIN_PER_LABEL = 10
#: The classifier's probability for a non-question label above which it overrides the question rule.
OVERRIDE_THRESHOLD = 0.7
#: Scale of the surface cues next to the unit-length embedding (0 switches them off).
SURFACE_WEIGHT = 0.5
#: Scale of the function-word n-grams (:func:`style_tokens`; 0 switches them off).
STYLE_WEIGHT = 1.0
#: Fewest training utterances a function-word n-gram must occur in to become a feature.
STYLE_MIN_COUNT = 2
#: Inverse regularisation strength of the logistic regression.
REGULARISATION_C = 10.0
#: Whether the question-form rules override the classifier by default. Off: on our banks the
#: same structure read as features (:data:`SURFACE_FEATURES`) measured better (5-fold CV over
#: 2,199 turns: macro-F1 0.843 without the override, 0.839 with it; open vs closed right for
#: 395 of 405 questions against 393 of 410).
QUESTION_RULES = False
#: The file in the models folder that keeps the bundled banks' vectors between runs (embedding
#: the 2,199 turns takes tens of seconds on a busy CPU; reading them back, milliseconds).
BANK_VECTORS_FILE = "skills-bank-vectors.npz"
#: Glob for the labelled files inside ``knowledge/skills``.
UTTERANCE_GLOB = "utterances*.yaml"

RuleName = Literal["empty", "advice_question", "open_question", "closed_question"]

SkillFlag = Literal["no_source", "stereotype", "early_advice"]
"""What a trainer would point out in a turn, whatever its skill: ``no_source`` (information given
without naming where it comes from), ``stereotype`` (an assumption about the client from gender,
ethnicity, age or background) and ``early_advice`` (advice before the client's situation has been
explored)."""
SKILL_FLAGS: tuple[SkillFlag, ...] = get_args(SkillFlag)


class SkillsDataError(GuidanceAssistantError):
    """The labelled utterances are missing or malformed."""


class LabelledUtterance(BaseModel):
    """One adviser utterance of the labelled set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    label: SkillLabel
    also: tuple[SkillLabel, ...] = Field(
        default=(), description="Other moves the turn makes besides the one it exists for."
    )
    flags: tuple[SkillFlag, ...] = Field(
        default=(), description="What a trainer would point out (see :data:`SkillFlag`)."
    )
    note: str | None = Field(default=None, description="Why a hard case carries its label.")

    @model_validator(mode="after")
    def _also_and_flags_are_distinct(self) -> LabelledUtterance:
        if self.label in self.also:
            raise ValueError(f"'also' repeats the main label {self.label!r}")
        if len(set(self.also)) != len(self.also):
            raise ValueError("'also' names a label twice")
        if len(set(self.flags)) != len(self.flags):
            raise ValueError("'flags' names a flag twice")
        return self


class UtteranceFile(BaseModel):
    """One ``knowledge/skills/utterances*.yaml`` file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    utterances: list[LabelledUtterance] = Field(min_length=1)


class SkillPrediction(BaseModel):
    """The skill of one utterance: the label, how sure, and the rule that decided it (if any)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: SkillLabel
    confidence: float = Field(ge=0.0, le=1.0)
    rule: str | None = None


def skills_dir() -> Path:
    """The bundled ``knowledge/skills`` folder."""
    return bundled_dir("knowledge") / "skills"


def read_utterance_file(path: Path) -> list[LabelledUtterance]:
    """The labelled utterances of one YAML file, validated (no checks across files)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return list(UtteranceFile.model_validate(raw).utterances)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise SkillsDataError(f"{path} is not a valid utterances file: {error}") from error


def utterance_files(folder: Path) -> list[Path]:
    """The ``utterances*.yaml`` files in ``folder`` and its subfolders (``spoken/``), in order."""
    return sorted(folder.rglob(UTTERANCE_GLOB))


def load_utterances(folder: Path | None = None) -> list[LabelledUtterance]:
    """Every labelled utterance in ``folder`` and its subfolders (default: the bundled set:
    ``knowledge/skills/utterances-*.yaml`` and ``knowledge/skills/spoken/``), validated.

    Raises :class:`SkillsDataError` when no file is found, a file is malformed, a text appears
    twice, or a label has fewer than :data:`MIN_PER_LABEL` examples.
    """
    folder = folder if folder is not None else skills_dir()
    files = utterance_files(folder)
    if not files:
        raise SkillsDataError(
            f"No labelled utterances ({UTTERANCE_GLOB}) in {folder}. Run from a full checkout "
            "or reinstall guidance-assistant."
        )
    utterances: list[LabelledUtterance] = []
    for path in files:
        utterances.extend(read_utterance_file(path))
    seen: set[str] = set()
    for utterance in utterances:
        key = normalise(utterance.text)
        if key in seen:
            raise SkillsDataError(f"The utterance {utterance.text!r} appears twice in {folder}.")
        seen.add(key)
    counts = {label: 0 for label in SKILL_LABELS}
    for utterance in utterances:
        counts[utterance.label] += 1
    thin = [f"{label} ({n})" for label, n in counts.items() if n < MIN_PER_LABEL]
    if thin:
        raise SkillsDataError(
            f"Too few labelled utterances in {folder} for: {', '.join(thin)}; "
            f"each label needs at least {MIN_PER_LABEL}."
        )
    return utterances


def normalise(text: str) -> str:
    """Lowercase, single-spaced text (for duplicate checks and rules)."""
    return " ".join(text.lower().split())


# --- Rules ------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z']+")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Words skipped at the start of a question sentence before its opener is read.
_DISCOURSE = _word_set(
    "okay ok so and but right well just mm mmm hmm oh ah yeah yes alright great now then also "
    "sorry cool lovely fine sure um erm er hello hi hey hiya"
)
_GREETINGS = _word_set("hello hi hey hiya")
_AUXILIARIES = _word_set(
    "do does did don't doesn't didn't are is was were aren't isn't wasn't weren't am can could "
    "can't couldn't have has had haven't hasn't would will wouldn't won't should shall shouldn't "
    "may might must"
)
_SUBJECTS = _word_set(
    "you u ya i we they he she it there that this your ur my the anyone anybody someone"
)
_SUBORDINATORS = _word_set("when if while because since although thinking looking given")
_FACTUAL_HOW = _word_set("many much long old far often soon")
_FACTUAL_WHAT_NOUNS = _word_set(
    "year grade grades time date day age name level number postcode email course's"
)
_OPEN_REQUEST_VERBS = _word_set("tell describe talk walk explain share")
_ADVICE_QUESTION = re.compile(
    r"^(?:(?:have|has) (?:you|u) (?:ever )?(?:thought|considered|tried"
    r"|looked (?:into|at|for|on|online|around))"
    r"(?! (?:about |of )?(?:what|how|why|where|when|which|who|whether)\b)"
    r"|would (?:you|u) (?:ever )?consider\b"
    r"|could (?:you|u) (?:maybe|perhaps|possibly|try|always|just)\b"
    r"|why not\b|why don'?t (?:you|u|we)\b"
    r"|(?:how|what) about [a-z]+ing\b"
    r"|what if (?:you|u|we)\b"
    r"|(?:would|could|might) it (?:help|be worth|be an idea|be a good idea)\b"
    r"|is it worth\b)"
)
#: A question that only checks the adviser's understanding ("..., is that right?"): it closes a
#: reflection or a summary, so it opens no question of its own.
_CHECK_QUESTION = re.compile(
    r"^(?:(?:am i|is that|was that|have i got (?:that|it)|did i get (?:that|it)|does that sound"
    r"|would that be|is this) (?:right|correct|fair|true|accurate|about right|a fair \w+)"
    r"|right|correct|yes|no|true|yeah|is that it|isn'?t it|aren'?t you|don'?t you|didn'?t you"
    r"|do i have (?:that|it) right|would i be right(?: in (?:thinking|saying) (?:that|this|so))?|how does that sound|is that (?:ok|okay|alright|all right)"
    r"|does that (?:work|sound (?:ok|okay|alright|all right|good|fair))(?: for you| with you)?"
    r"|(?:is|would) that (?:work|be) (?:ok|okay|alright|all right)(?: for you| with you)?)$"
)
#: A proposal or a request for consent put as a question ("Shall we start with the CV?", "Would
#: you be happy for me to..."): it agrees what happens next, so it opens no question either.
_PROPOSAL_QUESTION = re.compile(
    r"^(?:shall (?:we|i)|can i (?:just )?check|is it (?:ok|okay|alright) (?:if|for me)"
    r"|would you be (?:happy|ok|okay|alright|comfortable) (?:for me|with me|if))\b"
)
#: Elliptical questions without a verb first ("Anything else on your mind?", "Any luck?").
_ELLIPTICAL_OPENERS = _word_set("any anything anyone anybody anywhere ever")


@dataclass(frozen=True)
class QuestionForm:
    """What the rules read in an utterance: a question type, or an advice question."""

    kind: RuleName | None
    question_mark: bool


def _words(sentence: str) -> list[str]:
    return _WORD.findall(sentence.lower().replace("’", "'"))


def _strip_lead(words: list[str], sentence: str) -> list[str]:
    """Drop discourse words and a leading subordinate clause ("When you think..., what...")."""
    while words and words[0] in _DISCOURSE:
        greeting = words[0] in _GREETINGS
        words = words[1:]
        if greeting and words and words[0] == "there":
            words = words[1:]
    if (
        len(words) > 1
        and words[0] in _SUBORDINATORS
        and words[1] not in _AUXILIARIES
        and "," in sentence
    ):
        return _strip_lead(_words(sentence.split(",", 1)[1]), sentence.split(",", 1)[1])
    return words


def _opener(words: list[str], ends_with_question: bool) -> RuleName | None:
    """The question type that the first words of a sentence signal, if any."""
    if not words:
        return None
    first, rest = words[0], words[1:]
    second = rest[0] if rest else ""
    if first in {"tell", "describe"} or (first in {"talk", "walk"} and second == "me"):
        return "open_question"
    if (
        first in {"can", "could", "would", "will"}
        and second in {"you", "u"}
        and len(rest) > 1
        and rest[1] in _OPEN_REQUEST_VERBS
    ):
        return "open_question"
    if first in _AUXILIARIES:
        # Without a "?", an auxiliary opens a question only before a subject ("did u send it").
        if ends_with_question or second in _SUBJECTS:
            return "closed_question"
        return None
    if not ends_with_question and not (
        second in _AUXILIARIES and len(rest) > 1 and rest[1] in _SUBJECTS
    ):
        # Without a "?", a wh-word opens a question only before an auxiliary and a subject
        # ("how did ur mocks go").
        return None
    if first in _ELLIPTICAL_OPENERS:
        return "closed_question"
    if first in {"what", "what's", "whats"}:
        noun = next((w for w in rest if w not in {"is", "was", "are", "your", "the", "ur"}), "")
        return "closed_question" if noun in _FACTUAL_WHAT_NOUNS else "open_question"
    if first in {"how", "how's", "hows"}:
        return "closed_question" if second in _FACTUAL_HOW else "open_question"
    if first == "why" or (first in {"in", "to"} and second == "what"):
        return "open_question"
    if first in {"where", "who"} and rest[:3] in (["do", "you", "think"], ["do", "you", "see"]):
        return "open_question"  # "Where do you see yourself in five years?"
    if first in {"which", "when", "where", "who", "who's", "whose", "whom", "where's", "when's"}:
        return "closed_question"
    return None


def question_form(text: str) -> QuestionForm:
    """Read the question form of ``text`` (see the module docstring for the rules)."""
    sentences = split_sentences(text, lines=False)
    question_mark = "?" in text
    kinds: list[RuleName] = []
    for index, sentence in enumerate(sentences):
        ends = sentence.rstrip().endswith("?")
        if not ends and index > 0:
            continue  # without a "?", only the opening sentence can be a question
        words = _strip_lead(_words(sentence), sentence)
        if ends and _CHECK_QUESTION.match(" ".join(words)):
            continue
        if _PROPOSAL_QUESTION.match(" ".join(words)):
            continue
        if _ADVICE_QUESTION.match(" ".join(words)):
            return QuestionForm("advice_question", question_mark)
        kind = _opener(words, ends)
        if kind is None and ends and "," in sentence:
            # "I'm sorry to hear that, what happened?": the question is the last clause.
            clause = sentence.rsplit(",", 1)[1]
            tail = _strip_lead(_words(clause), clause)
            if _CHECK_QUESTION.match(" ".join(tail)):
                continue
            if _ADVICE_QUESTION.match(" ".join(tail)):
                return QuestionForm("advice_question", question_mark)
            if tail and (tail[0] not in _AUXILIARIES or (len(tail) >= 4 and tail[1] in _SUBJECTS)):
                kind = _opener(tail, ends)
        if kind is not None:
            kinds.append(kind)
    if "open_question" in kinds:
        return QuestionForm("open_question", question_mark)
    if kinds:
        return QuestionForm("closed_question", question_mark)
    return QuestionForm(None, question_mark)


# --- Surface cues ---------------------------------------------------------------------------

_FIGURE = re.compile(r"\d|£|%")
_REFLECTIVE_OPENER = re.compile(
    r"^(?:(?:okay|ok|right|mm|so|and)[, ]+)*(?:so\b|it sounds|sounds like|you\b|u\b|it feels|"
    r"what i'?m hearing|it's like|it's almost)"
)
_CONTRAST = re.compile(r"\b(?:but|yet|although|though|however|on the one hand|on the other)\b")
_CLIENT_WORDS = re.compile(
    r"\b(?:you(?:'ve)? said|you say|you keep|you(?:'ve)? mentioned|you(?:'ve)? told me|earlier)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'd|i'll|i'm|i've|my|me)\b")
_SESSION_WORDS = re.compile(
    r"\b(?:today|session|minutes|notes|confidential|agenda|time together|end of)\b"
)

#: Names of the surface cues that :func:`surface_features` adds to the embedding, in order.
SURFACE_FEATURES: tuple[str, ...] = (
    "has a question mark",
    "ends with a question mark",
    "open-question opener",
    "closed-question opener",
    "advice-question opener",
    "length in words / 30 (at most 2)",
    "commas / 3 (at most 2)",
    "sentences / 2 (at most 2)",
    "a figure (digit, £ or %)",
    "reflective opener (so..., it sounds..., you...)",
    "contrast word (but, yet, though, on the one hand)",
    "quotes the client (you said, you keep, earlier)",
    "the adviser speaks of themself (I, my, me)",
    "session words (today, session, minutes, notes, confidential)",
)


def surface_features(text: str) -> list[float]:
    """Cues that sentence embeddings blur: question form, length, figures, contrast, who speaks.

    The embedding says what an utterance is about; these say how it is put, which is what tells a
    reflection from a question or a summary from a challenge. Each is scaled to about [0, 2].
    """
    lowered = normalise(text).replace("’", "'")
    words = lowered.split()
    form = question_form(text)
    sentences = split_sentences(text, lines=False)
    values = [
        "?" in text,
        text.strip().endswith("?"),
        form.kind == "open_question",
        form.kind == "closed_question",
        form.kind == "advice_question",
        min(len(words) / 30, 2.0),
        min(text.count(",") / 3, 2.0),
        min(len(sentences) / 2, 2.0),
        bool(_FIGURE.search(text)),
        bool(_REFLECTIVE_OPENER.match(lowered)),
        bool(_CONTRAST.search(lowered)),
        bool(_CLIENT_WORDS.search(lowered)),
        bool(_FIRST_PERSON.search(lowered)),
        bool(_SESSION_WORDS.search(lowered)),
    ]
    return [float(v) for v in values]


def feature_matrix(
    texts: Sequence[str], vectors: Vectors, *, weight: float = 1.0
) -> npt.NDArray[np.float64]:
    """The classifier's input: each text's embedding followed by its surface cues x ``weight``."""
    cues = np.array([surface_features(t) for t in texts], dtype=np.float64)
    cues = cues.reshape(len(texts), len(SURFACE_FEATURES)) * weight
    return np.hstack([vectors.astype(np.float64), cues])


# --- Function-word n-grams --------------------------------------------------------------------

#: Words that carry a move rather than a topic, added to scikit-learn's English stop words.
_STYLE_EXTRA = _word_set(
    "sounds sound feel feeling felt try maybe perhaps sorry glad great well done suggest recommend "
    "sure understand must really okay ok yeah right hi hello thanks thank welcome i'm you're it's "
    "that's don't can't i've you've i'd you'd let's"
)
#: What stands for any other (content) word in :func:`style_tokens`.
CONTENT_WORD = "_"


@cache
def _style_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _STYLE_EXTRA


def style_tokens(text: str) -> list[str]:
    """The words of ``text`` with every content word replaced by :data:`CONTENT_WORD`.

    What is left ("i _ you should _ the _", "it sounds _ you're _") is how a move is made,
    whatever the topic: the part of an utterance that carries over from careers talk to any
    other helping conversation, where the embedding mostly says what the talk is about.
    """
    words = _style_words()
    return [w if w in words else CONTENT_WORD for w in _words(text)]


def style_ngrams(text: str) -> set[str]:
    """The function-word unigrams and bigrams of ``text`` (see :func:`style_tokens`)."""
    tokens = style_tokens(text)
    grams = {t for t in tokens if t != CONTENT_WORD}
    grams.update(f"{a} {b}" for a, b in itertools.pairwise(tokens) if (a, b) != (CONTENT_WORD,) * 2)
    return grams


class StyleVocabulary:
    """The function-word n-grams seen in at least ``min_count`` training utterances."""

    def __init__(self, texts: Sequence[str], *, min_count: int = STYLE_MIN_COUNT) -> None:
        counts = Counter(gram for text in texts for gram in style_ngrams(text))
        kept = sorted(gram for gram, n in counts.items() if n >= min_count)
        self.index = {gram: i for i, gram in enumerate(kept)}

    def __len__(self) -> int:
        return len(self.index)

    def matrix(self, texts: Sequence[str], *, weight: float = 1.0) -> npt.NDArray[np.float64]:
        """One row per text: which n-grams occur (binary), scaled to length ``weight``."""
        out = np.zeros((len(texts), len(self.index)), dtype=np.float64)
        for row, text in enumerate(texts):
            for gram in style_ngrams(text):
                column = self.index.get(gram)
                if column is not None:
                    out[row, column] = 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        out *= weight
        return out


# --- Classifier -------------------------------------------------------------------------------


def bank_vectors_path() -> Path | None:
    """Where the bundled banks' vectors are kept between runs (the models folder), if known."""
    try:
        from guidance_assistant.config import get_settings

        return get_settings().resolved_models_dir / BANK_VECTORS_FILE
    except Exception:  # settings that cannot be read: simply no cache
        return None


_DEFAULT_EMBEDDER: CachingEmbedder | None = None
_EMBEDDER_LOCK = threading.Lock()


def default_embedder() -> CachingEmbedder:
    """The bundled model behind a text-to-vector cache, loaded on first use."""
    global _DEFAULT_EMBEDDER
    with _EMBEDDER_LOCK:
        if _DEFAULT_EMBEDDER is None:
            _DEFAULT_EMBEDDER = CachingEmbedder(load_embedder(BUNDLED_EMBEDDING_MODEL))
        return _DEFAULT_EMBEDDER


def one_blas_thread() -> AbstractContextManager[Any]:
    """Fit and predict on one BLAS thread: on a few shared cores, many threads are 100x slower."""
    # threadpoolctl (a dependency of scikit-learn) ships no type information.
    threadpoolctl = importlib.import_module("threadpoolctl")
    limits: AbstractContextManager[Any] = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return limits


class SkillClassifier:
    """Embeddings + logistic regression, with the question-form rules on top.

    ``SkillClassifier().predict(texts)`` fits itself on the bundled labelled set the first time;
    ``fit(utterances)`` fits it on any other set (the evaluation fits it on training folds).
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        override_threshold: float = OVERRIDE_THRESHOLD,
        c: float = REGULARISATION_C,
        surface_weight: float = SURFACE_WEIGHT,
        style_weight: float = STYLE_WEIGHT,
        question_rules: bool = QUESTION_RULES,
    ) -> None:
        self._embedder = embedder
        self.question_rules = question_rules
        self.surface_weight = surface_weight
        self.style_weight = style_weight
        self._style: StyleVocabulary | None = None
        self.override_threshold = override_threshold
        self.c = c
        self._model: Any = None
        self._labels: list[SkillLabel] = []
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    @property
    def is_fitted(self) -> bool:
        return self._model is not None

    def fit(self, utterances: Sequence[LabelledUtterance]) -> SkillClassifier:
        """Fit the classifier on ``utterances`` (at least two labels); returns ``self``."""
        from sklearn.linear_model import LogisticRegression

        labels = sorted({u.label for u in utterances}, key=SKILL_LABELS.index)
        if len(labels) < 2:
            raise SkillsDataError("The skill classifier needs examples of at least two labels.")
        texts = [u.text for u in utterances]
        style = StyleVocabulary(texts)
        features = self._features(texts, style)
        model = LogisticRegression(C=self.c, class_weight="balanced", max_iter=3000)
        with one_blas_thread():
            model.fit(features, [u.label for u in utterances])
        self._style = style
        self._model = model
        self._labels = [label for label in model.classes_]
        return self

    def _features(self, texts: Sequence[str], style: StyleVocabulary) -> npt.NDArray[np.float64]:
        """Embedding, surface cues and function-word n-grams of each text, side by side."""
        embedded = feature_matrix(
            texts, self.embedder.embed(list(texts)), weight=self.surface_weight
        )
        if self.style_weight == 0 or not len(style):
            return embedded
        return np.hstack([embedded, style.matrix(texts, weight=self.style_weight)])

    def _ensure_fitted(self) -> None:
        with self._lock:
            if self._model is None:
                utterances = load_utterances()
                embedder, path = self.embedder, bank_vectors_path()
                if isinstance(embedder, CachingEmbedder) and path is not None:
                    texts = [u.text for u in utterances]
                    if not embedder.restore(path, texts):
                        embedder.persist(path, texts)
                self.fit(utterances)

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """One row per text, one column per label of :data:`SKILL_LABELS` (zeros if unseen)."""
        out = np.zeros((len(texts), len(SKILL_LABELS)), dtype=np.float64)
        if not texts:
            return out
        self._ensure_fitted()
        assert self._style is not None  # set by fit() together with the model
        features = self._features(texts, self._style)
        with one_blas_thread():
            proba = np.asarray(self._model.predict_proba(features))
        for column, label in enumerate(self._labels):
            out[:, SKILL_LABELS.index(label)] = proba[:, column]
        return out

    def predict(
        self, texts: Sequence[str], *, labels: Collection[SkillLabel] | None = None
    ) -> list[SkillPrediction]:
        """The skill of each text, in order (see the module docstring for the rules).

        ``labels`` limits the answer to those labels (the classifier's probabilities are
        renormalised over them), for scoring against a scheme that lacks some of ours; a rule
        whose label is left out does not fire, but empty text is still ``other``.
        """
        present = [i for i, text in enumerate(texts) if text.strip()]
        proba = self.probabilities([texts[i].strip() for i in present])
        if labels is not None:
            keep = np.array([label in labels for label in SKILL_LABELS], dtype=np.float64)
            if not keep.any():
                raise ValueError("labels must name at least one skill label")
            proba = proba * keep
            totals = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, totals, out=np.full_like(proba, 0.0), where=totals > 0)
        rows = dict(zip(present, proba, strict=True))
        predictions: list[SkillPrediction] = []
        for index, text in enumerate(texts):
            row = rows.get(index)
            if row is None:
                predictions.append(SkillPrediction(label="other", confidence=1.0, rule="empty"))
            else:
                predictions.append(self._decide(text, row, labels or SKILL_LABELS))
        return predictions

    def _decide(
        self, text: str, row: npt.NDArray[np.float64], allowed: Collection[SkillLabel]
    ) -> SkillPrediction:
        top = int(np.argmax(row))
        top_label, top_p = SKILL_LABELS[top], float(row[top])
        if not self.question_rules:
            return SkillPrediction(label=top_label, confidence=min(1.0, top_p), rule=None)
        form = question_form(text)
        rule_label = "advice" if form.kind == "advice_question" else form.kind
        if rule_label is not None and rule_label not in allowed:
            form = QuestionForm(None, form.question_mark)
        if form.kind == "advice_question":
            p_advice = float(row[SKILL_LABELS.index("advice")])
            return SkillPrediction(
                label="advice", confidence=max(0.5, p_advice), rule="advice_question"
            )
        if form.kind in QUESTION_LABELS:
            overridden = top_label not in QUESTION_LABELS and top_p >= self.override_threshold
            if not overridden:
                p_question = sum(float(row[SKILL_LABELS.index(q)]) for q in QUESTION_LABELS)
                label: SkillLabel = (
                    "open_question" if form.kind == "open_question" else "closed_question"
                )
                return SkillPrediction(label=label, confidence=min(1.0, p_question), rule=form.kind)
        return SkillPrediction(label=top_label, confidence=min(1.0, top_p), rule=None)


_DEFAULT: SkillClassifier | None = None
_DEFAULT_LOCK = threading.Lock()


def default_classifier() -> SkillClassifier:
    """The shared classifier behind :func:`classify_skill` (fitted on first prediction)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = SkillClassifier()
        return _DEFAULT


def classify_skill(text: str) -> SkillPrediction:
    """The skill of one adviser utterance, with the bundled classifier."""
    return default_classifier().predict([text])[0]
