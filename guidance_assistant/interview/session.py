"""A guidance session: one client, one interview, turn by turn.

>>> from guidance_assistant.interview import open_session
>>> session = open_session({"year_group": 11})
>>> turn = session.reply("Hi, I'm not sure what to do after Year 11")
>>> turn.stage, turn.move
('contracting', 'contracting')

Every client message goes through the same steps:

1. clean it (:func:`~guidance_assistant.text.clean.require_message`: control, direction and
   zero-width characters out, every letter kept as typed; HTML kept as plain text; very long
   messages cut for analysis, with a polite note). A message with nothing that shows (empty,
   spaces, NUL or invisible characters only) raises
   :class:`~guidance_assistant.text.clean.EmptyMessageError`, whose message says what to do,
   and is not stored;
2. **safeguarding** on the whole message, before any other reading and before any backend
   (:func:`~guidance_assistant.safeguarding.screen.screen_message`: rules, the learned reader,
   cues heard across turns). On a disclosure the reply is
   :func:`~guidance_assistant.safeguarding.rules.escalation_reply`, the state is flagged and
   normal guidance stops until an adviser calls :meth:`clear_flag`. On a concern the policy
   checks in once (a gentle question that restates the limits of confidentiality; a request for
   secrecy gets those limits, never agreement), the state records the concern with the words
   that raised it, and the session goes on; what the message says is not read as career
   barriers or circumstances;
3. analyse it (:func:`~guidance_assistant.interview.reading.analyse_message`), take any stage
   transition the client agreed to, and record what it says in the state;
4. choose the move (:func:`~guidance_assistant.interview.policy.choose_move`) and write its draft
   (grounded by construction);
5. let the backend word it; check every number in what comes back against the cited passages
   and the client's words; on failure ask once more with a stricter rule, then fall back to the
   draft. No backend can show an unsourced figure, and none ever sees a safeguarding turn.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guidance_assistant.backends.base import (
    BackendError,
    GroundingPassage,
    OfflineResponder,
    Responder,
    ResponseRequest,
    StreamingResponder,
)
from guidance_assistant.errors import GuidanceAssistantError
from guidance_assistant.interview.acts import ActReader, shared_act_reader
from guidance_assistant.interview.drafts import Draft, DraftWriter, display_who
from guidance_assistant.interview.grounding import (
    KnowledgeSource,
    extract_numbers,
    validate_numbers,
)
from guidance_assistant.interview.message import MessageAnalysis
from guidance_assistant.interview.model import (
    InterviewModel,
    MoveKind,
    SignalsFile,
    StageId,
    load_interview,
    load_moves,
    load_signals,
)
from guidance_assistant.interview.phrases import Phrasebook, load_phrasebook
from guidance_assistant.interview.plan import ActionPlan, build_action_plan
from guidance_assistant.interview.policy import Move, choose_move, resolve_stage
from guidance_assistant.interview.reading import analyse_message
from guidance_assistant.interview.state import (
    ClientProfile,
    ConcernNote,
    HeardCue,
    SafeguardingFlag,
    SessionState,
    TranscriptEntry,
    TurnCitation,
)
from guidance_assistant.interview.updates import absorb, apply_move, enter_stage
from guidance_assistant.interview.wording import (
    asks_question,
    keeps_own_words,
    named_sources,
    names_a_source,
    source_line,
)
from guidance_assistant.safeguarding.cues import CueHit
from guidance_assistant.safeguarding.rules import escalation_reply, promises_secrecy
from guidance_assistant.safeguarding.screen import Screening, screen_message
from guidance_assistant.text.clean import (
    MAX_TRANSCRIPT_CHARS,
    join_words,
    require_message,
    truncate,
)
from guidance_assistant.text.clean import words as word_list

if TYPE_CHECKING:
    from guidance_assistant.config import Settings
    from guidance_assistant.safeguarding.reader import LearnedReader
log = logging.getLogger(__name__)

#: A backend reply longer than this many times the draft (plus some slack) is not used...
MAX_REPLY_GROWTH = 3.0
#: ...unless it stays within this many words: the system prompt asks for about 80, and the
#: drafts of questions and reflections are short, so a warm rewording of a ten-word question
#: must not be refused for its length alone.
MAX_REPLY_WORDS = 100
STRICT_NUMBERS = (
    "Strict rule: use only the numbers that appear in the passages, the draft or the client's "
    "words, written exactly as they appear there. If unsure, give no numbers at all. "
    "Numbers you used that are not allowed: {numbers}."
)
KEEP_QUESTION = (
    "Strict rule: keep the draft's question to the client, as a question, at the end of your reply."
)
NUMBERS_RULE = (
    "Every number (pay, hours, dates, counts, years) must come from the passages, the draft or "
    "the client's words."
)
PLAIN_RULE = "Plain language: short sentences (under 12 words), everyday words, no idioms."


class SessionError(GuidanceAssistantError):
    """A session that cannot be opened or restored (bad profile, unreadable saved state)."""


class Turn(BaseModel):
    """The adviser's reply to one client message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    stage: StageId
    move: MoveKind
    citations: list[TurnCitation] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    variant: str = ""
    reason: str = ""
    rule: str = Field(default="", description="The policy rule that chose the move.")
    backend: str = "offline"
    fallback: str | None = Field(
        default=None, description="Why the engine's draft was shown instead of the backend's words."
    )
    rejected: list[str] = Field(
        default_factory=list,
        description="Why the engine refused each of the backend's replies this turn, in order "
        "(a refused first reply may be followed by an accepted second one).",
    )


class ReplyInProgress(BaseModel):
    """A model's words so far, not yet checked: show them marked as a draft in progress."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="The words of this attempt so far (a retry starts again).")
    attempt: int = Field(default=1, description="1, or 2 when the first reply was refused.")


class ReplyDone(BaseModel):
    """The turn, checked and recorded: the last event of :meth:`GuidanceSession.reply_stream`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turn: Turn
    streamed: str = Field(
        default="", description="The model's words as they were streamed ('' when none were)."
    )

    @property
    def confirmed(self) -> bool:
        """Whether the streamed words were kept (else the turn shows the engine's draft)."""
        return bool(self.streamed) and self.turn.fallback is None


ReplyEvent = ReplyInProgress | ReplyDone


def _resolve_responder(backend: str | Responder, settings: Settings | None) -> Responder:
    if not isinstance(backend, str):
        if not isinstance(backend, Responder):
            raise SessionError(
                f"backend must be a name ('offline', 'transformers', 'openai') or a Responder, "
                f"not {type(backend).__name__}."
            )
        return backend
    name = backend.strip().lower()
    if name == "offline":
        return OfflineResponder()
    try:
        from guidance_assistant.backends.registry import FallbackResponder, make_responder
    except ImportError as error:  # pragma: no cover - the registry ships with the package
        raise BackendError(
            f"The backend '{backend}' is not available here; use 'offline' or pass a Responder."
        ) from error
    try:
        primary = make_responder(settings, backend=name)
    except ValidationError as error:
        raise BackendError(
            f"Unknown backend '{backend}': choose 'offline', 'transformers' or 'openai'."
        ) from error
    return FallbackResponder(primary)


def _load_knowledge(settings: Settings | None) -> KnowledgeSource:
    from guidance_assistant.retrieval.knowledge_base import KnowledgeBase

    return KnowledgeBase.bundled(settings=settings, progress=False)


def _profile(profile: ClientProfile | Mapping[str, Any] | None) -> ClientProfile:
    if profile is None:
        return ClientProfile()
    if isinstance(profile, ClientProfile):
        return profile.model_copy(deep=True)
    try:
        return ClientProfile.model_validate(dict(profile))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise SessionError(
            f"The client profile is not valid: {where}: {first.get('msg')}."
        ) from error


class GuidanceSession:
    """One client's guidance interview. Make one with :func:`open_session`."""

    def __init__(
        self,
        state: SessionState,
        *,
        responder: Responder,
        knowledge: KnowledgeSource | None,
        interview: InterviewModel | None = None,
        phrases: Phrasebook | None = None,
        signals: SignalsFile | None = None,
        reader: LearnedReader | Literal["auto"] | None = "auto",
        act_reader: ActReader | Literal["auto"] | None = "auto",
    ) -> None:
        """``reader``: the safeguarding check's learned reader; ``"auto"`` (the default) uses
        the process's shared one (loaded here, once per process, so no turn pays for it; none
        when the embedding model cannot be loaded, and then the rules and cues still run);
        ``None``: rules and cues only. ``act_reader``: the learned reader of what a message
        does (:mod:`.acts`), chosen the same way; ``None``: the rules read it alone."""
        self.state = state
        if reader == "auto":
            from guidance_assistant.safeguarding.reader import shared_reader

            reader = shared_reader()
        self._reader: LearnedReader | None = reader
        if act_reader == "auto":
            act_reader = shared_act_reader()
        self._acts: ActReader | None = act_reader
        self.responder = responder
        self.knowledge = knowledge
        self.interview = interview or load_interview()
        self.phrases = phrases or load_phrasebook()
        self.signals = signals or load_signals()
        self.moves = load_moves()
        self._citations: dict[tuple[str, str], TurnCitation] = {}

    # -- facts --------------------------------------------------------------------------

    @property
    def plain_language(self) -> bool:
        profile = self.state.profile
        if profile.plain_language is not None:
            return profile.plain_language
        return any(
            (guidance := self.phrases.need(need)) is not None and guidance.plain_language
            for need in profile.needs
        )

    @property
    def stage(self) -> StageId:
        return self.state.stage

    # -- the conversation ----------------------------------------------------------------

    def opening(self) -> Turn:
        """The adviser's first words (contracting), before the client has said anything."""
        work = self.state.model_copy(deep=True)
        move = Move(
            kind="contracting",
            stage=work.stage,
            variant="opening" if not work.contract_items else "agenda_question",
            reason="open the session: purpose, time, confidentiality and its limits, agenda",
        )
        analysis = MessageAnalysis(text="")
        draft = self._writer(work, analysis).write(move)
        turn = self._finish(
            work, move, analysis, draft, draft.text, "offline", None, [], client_spoke=False
        )
        self.state = work
        return turn

    def _screen(self, work: SessionState, text: str) -> Screening:
        """The safeguarding check of ``text`` in the light of the conversation so far."""
        earlier = [e.text for e in work.transcript if e.speaker == "client"]
        return screen_message(
            text,
            heard=[
                CueHit(cue=c.cue, label=c.label, weight=c.weight, words=c.words) for c in work.cues
            ],
            earlier_turns=earlier,
            concerned_before=bool(work.concerns),
            reader=self._reader,
        )

    def reply(self, message: str) -> Turn:
        """The adviser's reply to the client's ``message`` (see the module docstring).

        Raises :class:`~guidance_assistant.text.clean.EmptyMessageError` for a message with
        nothing that shows; the session is left as it was."""
        steps = self._turn(message, stream=False)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                turn: Turn = done.value
                return turn

    def reply_stream(self, message: str) -> Generator[ReplyEvent, None, None]:
        """:meth:`reply`, as events: while a model that can stream writes, its words so far
        (:class:`ReplyInProgress`, unchecked), then the turn (:class:`ReplyDone`), whose words
        are the model's when they passed every check and the engine's draft otherwise. The
        offline backend, and every turn no model words, give the :class:`ReplyDone` alone. The
        session changes only when the last event is taken."""
        streamed = ""
        steps = self._turn(message, stream=True)
        while True:
            try:
                event = next(steps)
            except StopIteration as done:
                yield ReplyDone(turn=done.value, streamed=streamed)
                return
            streamed = event.text
            yield event

    def _turn(self, message: str, *, stream: bool) -> Generator[ReplyInProgress, None, Turn]:
        text = require_message(message)  # nothing that shows: EmptyMessageError, no turn
        work = self.state.model_copy(deep=True)
        # Safeguarding first, on the whole message as typed, before any other reading.
        screening = self._screen(work, text)
        result = screening.as_result()
        before = next((e.text for e in reversed(work.transcript) if e.speaker == "adviser"), None)
        acts = self._acts.read(text, after=before) if self._acts and text.strip() else None
        analysis = analyse_message(
            text, today=work.session_date, signals=self.signals, safeguarding=result, acts=acts
        )
        flags: list[str] = []
        work.client_turns += 1
        for hit in screening.cues:
            work.cues.append(
                HeardCue(
                    turn=work.client_turns,
                    cue=hit.cue,
                    label=hit.label,
                    weight=hit.weight,
                    words=hit.words,
                )
            )
        if result.flagged:
            work.flags.append(
                SafeguardingFlag(
                    category=result.category,
                    reason=result.reason,
                    turn=work.client_turns,
                    raised_at=datetime.now(UTC),
                )
            )
            flags.append("safeguarding")
        elif work.active_flag is not None:
            flags.append("safeguarding_open")
        if analysis.truncated:
            flags.append("truncated")
        for intent in ("off_topic", "injection"):
            if analysis.has(intent):
                flags.append(intent)
        if screening.level == "concern":
            flags.append("concern")
        self._record_client(work, text, analysis, flags)

        if "safeguarding" in flags or "safeguarding_open" in flags:
            move = choose_move(work, analysis, interview=self.interview)
            if move.held:
                # A question while the flag is open: answered, with the reminder, offline
                # (no backend sees a turn while a flag is open).
                draft = self._writer(work, analysis).write(move)
                turn = self._finish(work, move, analysis, draft, draft.text, "offline", None, flags)
                self.state = work
                return turn
            if move.variant == "escalation" and result.flagged:
                reply = escalation_reply(result, seed=work.seed, plain_language=self.plain_language)
            else:
                reply = self.phrases.render(
                    "safeguarding_response.holding",
                    seed=work.seed,
                    turn=work.client_turns,
                    plain=self.plain_language,
                )
            draft = Draft(text=reply)
            turn = self._finish(work, move, analysis, draft, reply, "offline", None, flags)
            self.state = work
            return turn

        if analysis.empty:  # nothing a guidance reading can use, though the check read it
            move = choose_move(work, analysis, interview=self.interview)
            draft = self._writer(work, analysis).write(move)
            turn = self._finish(
                work, move, analysis, draft, draft.text, "offline", None, flags, effects=False
            )
            self.state = work
            return turn

        if screening.level == "concern":
            # A concern is the adviser's to weigh, never a career barrier or circumstance.
            analysis = analysis.model_copy(
                update={
                    "distress": screening.score if screening.score is not None else 1.0,
                    "secrecy_request": screening.secrecy_request is not None,
                    "topics": [],
                }
            )
        target, why = resolve_stage(work, analysis)
        if target != work.stage:
            enter_stage(work, target, why or "the client agreed to move on", self.phrases)
        elif work.pending_transition is not None and analysis.has("disagree"):
            work.pending_transition = None  # the client wants to stay: nothing moves on
        absorb(work, analysis, interview=self.interview, signals=self.signals, phrases=self.phrases)
        move = choose_move(work, analysis, interview=self.interview)
        if screening.level == "concern":
            checked_in = move.check_in or (
                move.kind == "open_question" and move.variant in ("check_in", "secrecy_limits")
            )
            work.concerns.append(
                ConcernNote(
                    turn=work.client_turns,
                    score=screening.score or 0.0,
                    checked_in=checked_in,
                    label=screening.label,
                    reason=screening.reason,
                    words=screening.words,
                )
            )
            if checked_in:
                flags.append("check_in")
        draft = self._writer(work, analysis).write(move)
        words, backend, fallback, rejected = yield from self._word(
            work, move, analysis, draft, flags, stream=stream
        )
        if analysis.truncated:
            note = self.phrases.render(
                "contracting.long_message",
                seed=work.seed,
                turn=work.client_turns,
                plain=self.plain_language,
            )
            words = f"{words}\n\n{note}"
        if fallback:
            flags.append("backend_fallback")
        turn = self._finish(work, move, analysis, draft, words, backend, fallback, flags)
        self.state = work
        return turn.model_copy(update={"rejected": rejected}) if rejected else turn

    def clear_flag(self, note: str | None = None) -> None:
        """An adviser's action: the safeguarding concern has been handled; guidance may resume."""
        work = self.state.model_copy(deep=True)
        now = datetime.now(UTC)
        for index, flag in enumerate(work.flags):
            if not flag.cleared:
                work.flags[index] = flag.model_copy(
                    update={"cleared": True, "cleared_at": now, "cleared_note": note}
                )
        work.last_variant = "flag_cleared"
        self.state = work

    # -- internals ----------------------------------------------------------------------

    def _writer(self, state: SessionState, analysis: MessageAnalysis) -> DraftWriter:
        return DraftWriter(
            phrases=self.phrases,
            interview=self.interview,
            knowledge=self.knowledge,
            state=state,
            analysis=analysis,
            plain=self.plain_language,
            citation_cache=self._citations,
        )

    def _record_client(
        self, state: SessionState, text: str, analysis: MessageAnalysis, flags: list[str]
    ) -> None:
        stored, _ = truncate(text, MAX_TRANSCRIPT_CHARS)
        if len(text) > MAX_TRANSCRIPT_CHARS:
            stored += f" […shortened: {len(text):,} characters in all]"
        state.transcript.append(
            TranscriptEntry(
                turn=state.client_turns,
                speaker="client",
                text=stored,
                stage=state.stage,
                flags=list(flags),
                intents=list(analysis.intents),
                topics=list(analysis.topic_ids()),
                occupations=[m.occupation_id for m in analysis.occupations],
                feelings=list(analysis.feelings),
            )
        )

    def _finish(
        self,
        state: SessionState,
        move: Move,
        analysis: MessageAnalysis,
        draft: Draft,
        words: str,
        backend: str,
        fallback: str | None,
        flags: list[str],
        *,
        effects: bool = True,
        client_spoke: bool = True,
    ) -> Turn:
        """Record the adviser's turn (and, unless ``effects`` is off, what the move did)."""
        if effects:
            if (
                move.kind == "contracting"
                and move.resume
                and not all(
                    item in state.contract_items for item in ("purpose", "time", "confidentiality")
                )
            ):  # a redirect before contracting repeats the whole opening
                for item in ("purpose", "time", "confidentiality"):
                    if item not in state.contract_items:
                        state.contract_items.append(item)
            apply_move(
                state,
                move,
                phrases=self.phrases,
                widened=draft.widened,
                suggested_action=draft.suggested_action,
            )
            if client_spoke:
                state.stage_client_turns += 1
        stage = move.enter_stage or move.stage
        state.transcript.append(
            TranscriptEntry(
                turn=state.client_turns,
                speaker="adviser",
                text=words,
                stage=stage,
                move=move.kind,
                citations=list(draft.citations),
                flags=list(flags),
                reason=move.reason,
                rule=move.rule or None,
                backend=backend,
                fallback=fallback,
            )
        )
        return Turn(
            text=words,
            stage=stage,
            move=move.kind,
            citations=list(draft.citations),
            flags=list(flags),
            variant=move.variant,
            reason=move.reason,
            rule=move.rule,
            backend=backend,
            fallback=fallback,
        )

    def _allowed_texts(self, draft: Draft) -> list[str]:
        texts = [draft.text, *draft.grounding]
        for citation in draft.citations:
            texts.append(citation.text)
            texts.append(citation.render())
        return texts

    def _client_texts(self, state: SessionState) -> list[str]:
        texts = state.client_texts()
        profile = state.profile
        if profile.year_group is not None:
            texts.append(f"Year {profile.year_group}")
        if profile.age is not None:
            texts.append(str(profile.age))
        return texts

    def _state_summary(self, state: SessionState) -> str:
        lines = []
        if state.agenda:
            lines.append(f"Agenda: {join_words(state.agenda)}.")
        if state.criteria:
            lines.append(
                f"What matters to the client: {join_words([c.label for c in state.criteria])}."
            )
        if state.options:
            lines.append(
                "Options considered: " + ", ".join(o.title for o in state.options[:5]) + "."
            )
        if state.decisions:
            lines.append(f"Decision: {state.decisions[-1].text}.")
        return "\n".join(lines) or "Nothing recorded yet."

    def _request(
        self, state: SessionState, move: Move, analysis: MessageAnalysis, draft: Draft
    ) -> ResponseRequest:
        stage = self.interview.stage(move.enter_stage or move.stage)
        constraints = [self.moves.get(move.kind).backend_rule, NUMBERS_RULE]
        if self.plain_language:
            constraints.append(PLAIN_RULE)
        return ResponseRequest(
            move=move.kind,
            stage=stage.id,
            stage_purpose=stage.purpose,
            client_message=analysis.text[:2000],
            state_summary=self._state_summary(state),
            passages=[
                GroundingPassage(citation=c.render(), text=c.text[:2000])
                for c in draft.citations[:6]
            ],
            draft=draft.text,
            constraints=constraints,
        )

    def _acceptable(self, reply: str, draft: Draft, state: SessionState) -> tuple[bool, str | None]:
        if not reply or not reply.strip():
            return False, "the backend returned nothing"
        if (
            len(reply) > MAX_REPLY_GROWTH * len(draft.text) + 400
            and len(word_list(reply)) > MAX_REPLY_WORDS
        ):
            return False, "the backend's reply was far longer than the move needs"
        if promises_secrecy(reply):
            return False, "the backend's reply promised secrecy"
        check = validate_numbers(reply, self._allowed_texts(draft), self._client_texts(state))
        if not check.ok:
            return False, "unsupported figures: " + ", ".join(check.unsupported)
        if draft.citations:
            # Information the client asked for must survive the rewording: a reply that drops
            # the draft's pay figures has not answered the question.
            kept = {token.value for token in extract_numbers(reply)}
            dropped = [
                token.raw
                for token in extract_numbers(draft.text)
                if "£" in token.raw and token.value not in kept
            ]
            if dropped:
                return False, "the reply left out the figures asked for: " + ", ".join(dropped)
        if asks_question(draft.text) and not asks_question(reply):
            # The question is the move (or hands the turn back to the client): a statement
            # in its place changes what the adviser does.
            return False, "the reply left out the draft's question"
        return True, None

    def _word(
        self,
        state: SessionState,
        move: Move,
        analysis: MessageAnalysis,
        draft: Draft,
        flags: list[str],
        *,
        stream: bool = False,
    ) -> Generator[ReplyInProgress, None, tuple[str, str, str | None, list[str]]]:
        """The backend's wording of the draft, checked; the draft itself when that fails. Also
        why each refused reply was refused. With ``stream``, a backend that can stream gives its
        words as they come (each attempt from the start), checked whole at the end. A draft
        that keeps its own words (:func:`~.wording.keeps_own_words`) is never offered; adds
        ``own_words`` or ``source_added`` to ``flags``."""
        responder = self.responder
        name = getattr(responder, "name", type(responder).__name__)
        if isinstance(responder, OfflineResponder) or move.kind == "safeguarding_response":
            return draft.text, "offline", None, []
        if (
            state.active_flag is not None
            or move.check_in
            or keeps_own_words(move.kind, move.variant, draft.text, self.phrases)
        ):  # while a safeguarding flag is open, or with a check-in, nothing goes to a model
            flags.append("own_words")
            return draft.text, "offline", None, []
        request = self._request(state, move, analysis, draft)
        streamer = responder if stream and isinstance(responder, StreamingResponder) else None
        problem: str | None = None
        rejected: list[str] = []
        for attempt in range(2):
            try:
                if streamer is not None:
                    pieces: list[str] = []
                    for piece in streamer.stream(request):
                        pieces.append(piece)
                        yield ReplyInProgress(text="".join(pieces).strip(), attempt=attempt + 1)
                    reply = "".join(pieces).strip()
                else:
                    reply = responder.respond(request).strip()
            except BackendError as error:
                log.warning("backend %s failed: %s", name, error)
                return draft.text, name, f"backend error: {error}", rejected
            except Exception as error:  # a backend bug must never lose the turn
                log.exception("backend %s raised", name)
                return draft.text, name, f"backend error: {type(error).__name__}", rejected
            last_error = getattr(responder, "last_error", None)
            ok, problem = self._acceptable(reply, draft, state)
            if ok:
                fallback = f"backend error: {last_error}" if last_error is not None else None
                return self._with_sources(reply, draft, flags), name, fallback, rejected
            rejected.append(problem or "refused")
            if attempt == 0:
                if problem == "the reply left out the draft's question":
                    rule = KEEP_QUESTION
                else:
                    numbers = problem.split(": ", 1)[1] if problem and ": " in problem else "none"
                    rule = STRICT_NUMBERS.format(numbers=numbers)
                request = request.model_copy(update={"constraints": [*request.constraints, rule]})
        return draft.text, name, problem, rejected

    def _with_sources(self, reply: str, draft: Draft, flags: list[str]) -> str:
        """A reply whose draft named its sources names one of them too; when it names none,
        the draft's sources are added on a line of their own (flag ``source_added``)."""
        sources = named_sources(draft.text, draft.citations)
        if not sources or names_a_source(reply, sources):
            return reply
        flags.append("source_added")
        return f"{reply}\n\n{source_line(draft.citations)}"

    # -- records -------------------------------------------------------------------------

    def summary(self) -> str:
        """The adviser's record of the session, in plain factual sentences."""
        state = self.state
        lines = [f"Guidance session on {state.session_date:%d %B %Y}."]
        profile = state.profile
        about = []
        if profile.year_group is not None:
            about.append(f"Year {profile.year_group}")
        if profile.needs:
            labels = [
                (g.label if (g := self.phrases.need(n)) is not None else n) for n in profile.needs
            ]
            about.append("needs planned for: " + join_words(labels))
        if about:
            lines.append("Client: " + "; ".join(about) + ".")
        history = " → ".join(stage.replace("_", " ") for stage in state.stage_history())
        lines.append(f"Stages: {history}.")
        if state.agenda:
            lines.append(f"Agenda: {join_words(state.agenda)}.")
        for topic in (
            "interests",
            "strengths",
            "values",
            "circumstances",
            "influences",
            "barriers",
        ):
            facts = state.facts.get(topic)
            if facts:
                gists = [
                    f.gist
                    or self.phrases.render(
                        f"fact.none.{topic}", seed=state.seed, turn=0, plain=False
                    )
                    for f in facts[:3]
                ]
                lines.append(f"{topic.capitalize()}: " + "; ".join(gists) + ".")
        if state.criteria:
            lines.append(
                "Client's criteria: " + join_words([c.label for c in state.criteria]) + "."
            )
        for option in state.options:
            view = option.client_view or "view not given"
            origin = {
                "client": "client's idea",
                "others": "suggested by others",
                "widening": "offered when widening",
            }[option.origin]
            lines.append(f"Option: {option.title} ({origin}; {view}).")
        for discrepancy in state.discrepancies:
            status = "named" if discrepancy.named else "not yet named"
            lines.append(
                f"Discrepancy ({status}): {discrepancy.criterion_id.replace('_', ' ')} vs "
                f"{discrepancy.occupation_id}."
            )
        for decision in state.decisions:
            lines.append(f"Decision: {decision.text}.")
        for action in state.actions:
            when = f"{action.when:%d %B %Y}" if action.when else "date to agree"
            lines.append(f"Action: {display_who(action.who)} to {action.what} by {when}.")
        if state.next_contact_agreed:
            lines.append(
                f"Next contact: {state.next_contact or 'none planned; client knows how to ask'}."
            )
        for flag in state.flags:
            status = (
                "cleared by adviser"
                if flag.cleared
                else "OPEN: refer to the designated safeguarding lead"
            )
            lines.append(f"Safeguarding concern at turn {flag.turn} ({flag.category}; {status}).")
        for note in state.concerns:
            said = f": '{note.words}'" if note.words else ""
            what = f" ({note.label})" if note.label else ""
            done = "checked in" if note.checked_in else "noted"
            lines.append(
                f"Possible concern at turn {note.turn}{what}, not a disclosure; {done}{said}."
            )
        return "\n".join(lines)

    def action_plan(self) -> ActionPlan:
        """The client's written action plan (plain language, with sources)."""
        return build_action_plan(self.state, self.phrases)

    def to_json(self) -> str:
        """The whole session state as JSON (restore it with :meth:`from_json`)."""
        return self.state.model_dump_json(indent=2)

    @classmethod
    def from_json(
        cls,
        data: str | bytes,
        *,
        backend: str | Responder = "offline",
        knowledge: KnowledgeSource | None = None,
        settings: Settings | None = None,
        reader: LearnedReader | Literal["auto"] | None = "auto",
    ) -> GuidanceSession:
        """A session restored from :meth:`to_json` output (knowledge is loaded as in
        :func:`open_session` when not given)."""
        try:
            state = SessionState.model_validate_json(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise SessionError(
                f"The saved session is not valid ({where}: {first.get('msg')}); it may be from "
                "another version or damaged."
            ) from error
        responder = _resolve_responder(backend, settings)
        if knowledge is None:
            knowledge = _load_knowledge(settings)
        return cls(state, responder=responder, knowledge=knowledge, reader=reader)

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.to_json(), encoding="utf-8")
        return target


def open_session(
    profile: ClientProfile | Mapping[str, Any] | None = None,
    backend: str | Responder = "offline",
    knowledge: KnowledgeSource | None = None,
    *,
    settings: Settings | None = None,
    seed: int = 0,
    today: date | None = None,
    reader: LearnedReader | Literal["auto"] | None = "auto",
    interview: InterviewModel | None = None,
) -> GuidanceSession:
    """Start a guidance session.

    ``profile``: what the adviser knows (age, year group, needs such as ``"eal"`` or
    ``"young_carer"``; a name is used only to greet). ``backend``: ``"offline"`` (the default:
    the engine's own words), another backend name from the settings, or any
    :class:`~guidance_assistant.backends.Responder`. ``knowledge``: a knowledge base (the bundled
    one, built or opened on first use, when not given). ``seed`` varies the wording; ``today``
    fixes the session date (for dates such as "by Friday"). ``reader``: the safeguarding
    check's learned reader (see :class:`GuidanceSession`). ``interview``: the stages and their
    budgets (``prompts/interview/stages.yaml`` when not given).
    """
    interview = interview or load_interview()  # each raises InterviewModelError naming a bad file
    phrases = load_phrasebook()
    signals = load_signals()
    state = SessionState(session_date=today or date.today(), seed=seed, profile=_profile(profile))
    responder = _resolve_responder(backend, settings)
    if knowledge is None:
        knowledge = _load_knowledge(settings)
    return GuidanceSession(
        state,
        responder=responder,
        knowledge=knowledge,
        interview=interview,
        phrases=phrases,
        signals=signals,
        reader=reader,
    )
