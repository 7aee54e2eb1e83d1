"""A practice session: a trainee adviser talks to a simulated client and is coached.

>>> session = PracticeSession("year11-undecided", seed=1)          # doctest: +SKIP
>>> turn = session.say("What's brought you along today?")          # doctest: +SKIP
>>> turn.text, turn.feedback.tip                                   # doctest: +SKIP
>>> print(session.feedback().to_markdown())                        # doctest: +SKIP

Each message is cleaned (HTML reduced to text), labelled with a trainee skill by ``skill_of``
(by default :func:`guidance_assistant.practice.skills.classify_skill`), answered by the
:class:`~guidance_assistant.practice.client.ClientEngine` and given a one-line tip. With a model
``responder`` the engine's reply is reworded in character; the engine still decides what is
disclosed, and any reply that fails :func:`~guidance_assistant.practice.client.check_model_reply`
(or a backend failure) gives way to the bank reply.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from guidance_assistant.backends.base import BackendError, OfflineResponder, Responder
from guidance_assistant.config import Settings
from guidance_assistant.practice.client import (
    CLIENT_SYSTEM_PROMPT,
    ClientEngine,
    Prediction,
    SkillPredictionLike,
    build_client_request,
    check_model_reply,
    clean_message,
    skill_label,
)
from guidance_assistant.practice.feedback import (
    FeedbackContext,
    SessionFeedback,
    Targets,
    TurnFeedback,
    TurnRecord,
    load_targets,
    names_a_source,
    session_feedback,
    trainee_quote,
    turn_feedback,
)
from guidance_assistant.practice.personas import Persona, PracticeError, Skill, get_persona
from guidance_assistant.practice.review import (
    SupervisorComment,
    annotated_transcript,
    export_report,
    full_report,
    make_comment,
)
from guidance_assistant.text.clean import require_message

logger = logging.getLogger(__name__)

SkillOf = Callable[[str], SkillPredictionLike]
FlagsOf = Callable[[str, str], Sequence[str]]
"""What a trainer would point out in a turn, given its text and skill (``no_source``,
``stereotype``, ``early_advice``: :func:`~guidance_assistant.practice.skill_flags.detect_flags`)."""


def default_skill_of() -> SkillOf:
    """The shared skill classifier, imported when first needed."""
    try:
        module = importlib.import_module("guidance_assistant.practice.skills")
    except ImportError as exc:
        raise PracticeError(
            "The skill classifier (guidance_assistant.practice.skills) is not available; "
            "pass skill_of= to PracticeSession."
        ) from exc
    classify: Any = getattr(module, "classify_skill", None)
    if not callable(classify):
        raise PracticeError("guidance_assistant.practice.skills has no classify_skill().")
    return cast(SkillOf, classify)


def make_client_responder(settings: Settings | None = None, **overrides: Any) -> Responder:
    """A model backend (``Settings.backend``) that speaks as the client, not the adviser."""
    from guidance_assistant.backends.registry import make_responder

    responder = make_responder(settings, **overrides)
    if hasattr(responder, "system_prompt"):
        responder.system_prompt = CLIENT_SYSTEM_PROMPT
    return responder


@dataclass(frozen=True)
class ClientTurn:
    """The client's reply to one trainee message, and the coaching on that message."""

    text: str
    disclosed: list[str]
    prediction: SkillPredictionLike
    skill: Skill
    feedback: TurnFeedback
    used_model: bool = False
    model_rejected: str | None = field(default=None, compare=False)


def _assumed_words(text: str) -> str | None:
    """The sentence of a stereotyping turn to quote back: the one that names a group."""
    from guidance_assistant.practice.skill_flags import names_a_group

    return trainee_quote(text, prefer=names_a_group)


class PracticeSession:
    """One practice conversation with a persona (an object or its id)."""

    def __init__(
        self,
        persona: Persona | str,
        responder: Responder | None = None,
        *,
        seed: int = 0,
        skill_of: SkillOf | None = None,
        flags_of: FlagsOf | None = None,
        targets: Targets | None = None,
    ) -> None:
        self.persona = get_persona(persona) if isinstance(persona, str) else persona
        self.responder = responder
        self.seed = seed
        self._skill_of = skill_of
        # The flag detector goes with the bundled classifier; a given skill_of keeps the rules
        # unless flags_of is given too.
        self._flags_of = flags_of
        self._detect_flags = skill_of is None or flags_of is not None
        self.targets = targets if targets is not None else load_targets()
        self.engine = ClientEngine(self.persona, seed=seed)
        self.records: list[TurnRecord] = []
        self.turns: list[ClientTurn] = []
        self.comments: list[SupervisorComment] = []

    @property
    def skill_of(self) -> SkillOf:
        if self._skill_of is None:
            self._skill_of = default_skill_of()
        return self._skill_of

    def flags_of(self, text: str, skill: str) -> tuple[str, ...]:
        """What a trainer would point out in a turn (no source, stereotype, early advice): the
        given ``flags_of``'s answer, else the bundled flag detector's, or none when the session
        was given its own skill_of and no flags_of."""
        if not self._detect_flags:
            return ()
        if self._flags_of is not None:
            return tuple(self._flags_of(text, skill))
        from guidance_assistant.practice.skill_flags import detect_flags

        return detect_flags(text, skill)

    @property
    def disclosed(self) -> list[str]:
        return list(self.engine.disclosed)

    def say(self, trainee_message: str) -> ClientTurn:
        """The client's reply to ``trainee_message``.

        A message with nothing that shows (empty, spaces, NUL, control or zero-width characters
        only) raises :class:`~guidance_assistant.text.clean.EmptyMessageError` and is not
        recorded; any other text gets a reply (HTML with no words in it, a polite "unclear")."""
        text, problem = clean_message(require_message(trainee_message))
        if problem == "empty":
            prediction: SkillPredictionLike = Prediction("other", 0.0, "empty message")
        else:
            prediction = self.skill_of(text)
        skill = skill_label(prediction)
        said_before = self.engine.said_items()  # what a better phrasing could have quoted
        reply = self.engine.reply(text, skill, problem)

        client_text = reply.text
        used_model = False
        rejected: str | None = None
        if self.responder is not None and not isinstance(self.responder, OfflineResponder):
            request = build_client_request(self.persona, self.engine, reply, text)
            try:
                candidate = self.responder.respond(request)
            except BackendError as exc:
                rejected = f"backend failed: {exc}"
            else:
                rejected = check_model_reply(candidate, self.engine, reply)
                if rejected is None:
                    client_text = " ".join(candidate.split())
                    used_model = client_text != reply.text
            if rejected is not None:
                logger.info("Model reply not used (%s); using the persona's own words.", rejected)

        flags = self.flags_of(text, skill) if problem is None else ()
        claim = "no_source" in flags if self._detect_flags else skill == "information"
        unsourced = claim and not names_a_source(text, self.targets)
        premature = reply.premature_advice or (skill == "advice" and "early_advice" in flags)
        stereotype = _assumed_words(text) if "stereotype" in flags else None
        topic = reply.topics[0] if reply.topics else self.engine.current_topic
        context = FeedbackContext.from_said(
            said_before,
            topic_id=topic,
            topic=self.persona.topic(topic).you_label if topic else None,
            name=self.persona.display_name,
        )
        feedback = turn_feedback(
            skill,
            self.targets,
            context=context,
            premature_advice=premature,
            unsourced=unsourced,
            wrong_summary=reply.wrong_summary,
            problem=problem,
            stereotype=stereotype,
        )
        self.records.append(
            TurnRecord(
                number=len(self.records) + 1,
                trainee_text=text,
                skill=skill,
                client_text=client_text,
                disclosed=list(reply.disclosed),
                premature_advice=premature,
                unsourced_information=unsourced,
                wrong_summary=reply.wrong_summary,
                problem=problem,
                stereotype=stereotype,
            )
        )
        turn = ClientTurn(
            text=client_text,
            disclosed=list(reply.disclosed),
            prediction=prediction,
            skill=skill,
            feedback=feedback,
            used_model=used_model,
            model_rejected=rejected,
        )
        self.turns.append(turn)
        return turn

    def feedback(self) -> SessionFeedback:
        """The review of the session so far."""
        return session_feedback(
            self.persona, self.records, self.targets, stereotypes_checked=self._detect_flags
        )

    # -- the supervisor's view ------------------------------------------------------------

    def add_comment(
        self, text: str, *, turn: int | None = None, author: str = "supervisor"
    ) -> SupervisorComment:
        """Attach a supervisor's comment to trainee turn ``turn`` (1-based) or the session."""
        comment = make_comment(text, turn=turn, author=author, turns=len(self.records))
        self.comments.append(comment)
        return comment

    def transcript_markdown(self) -> str:
        """Each trainee turn annotated with its skill, tip, alternative and comments."""
        return annotated_transcript(
            self.persona.display_name,
            self.records,
            [turn.feedback for turn in self.turns],
            self.comments,
        )

    def report_markdown(self) -> str:
        """The feedback report: targets, skill mix, disclosures, then the annotated transcript."""
        return full_report(self.feedback(), self.transcript_markdown())

    def export(self, path: str | Path) -> Path:
        """Write the report to ``path`` as Markdown (.md) or PDF (.pdf)."""
        return export_report(self.report_markdown(), path)
