"""The first-contact harness: scripted clients played through the real interview engine, and
what each whole conversation shows.

>>> files = load_interview_cases([Path("evals/interview/first-contact-1.yaml")])
>>> record = play(files[0].cases[0], knowledge=kb)
>>> measure(files[0].cases[0], record).planning_by_15

A case file (``evals/interview/first-contact-*.yaml``) holds scripted clients: a profile, the
client's messages, and the labels a whole conversation is judged by (what must be answered,
reflected and planned, what must stay out of the plan, the steps the client named, whether a
disclosure is expected). :func:`play` opens a session as
:func:`~guidance_assistant.evals.runner.run_case` does and keeps every turn and the final state
(:class:`PlayedRecord`). The measures are pure functions of a record (and the case's labels), so
each can be tested on a record built by hand. :func:`play_persona` lets a practice persona's
simulated client talk to the engine instead of a script. Nothing here changes the engine.
"""

from __future__ import annotations

from guidance_assistant.evals.interview.cases import (
    CASE_FILE_GLOB,
    DECLINE_KEY,
    PERSONA_SEEDS,
    PERSONA_TURNS,
    PLANNING,
    PLANNING_BY,
    REPEAT_MIN_WORDS,
    ClientStep,
    InterviewCase,
    InterviewCaseError,
    InterviewCaseFile,
    MustAnswer,
    default_cases_dir,
    load_case_file,
    load_interview_cases,
)
from guidance_assistant.evals.interview.matching import (
    content_words,
    decline_patterns,
    half_present,
    mentions,
    phrase_pattern,
    says_no_information,
)
from guidance_assistant.evals.interview.measures import (
    AnswerResult,
    AnswerVerdict,
    ConversationMeasures,
    PersonaMeasures,
    Violation,
    agreed_by_client,
    agreed_dated_actions,
    answer_verdict,
    client_steps_kept,
    measure,
    measure_persona,
    plan_violations,
    planning_by_15,
    planning_turn,
    reflected,
    reflected_phrases,
    rejected_titles,
    repeated_turns,
    safeguarding_ok,
    steps_kept,
    summary_repeated,
)
from guidance_assistant.evals.interview.played import (
    PlayedAction,
    PlayedDecision,
    PlayedFlag,
    PlayedOption,
    PlayedRecord,
    PlayedTransition,
    PlayedTurn,
    persona_profile,
    play,
    play_persona,
)
from guidance_assistant.evals.interview.report import (
    InterviewEvalReport,
    PersonaRow,
    Scored,
    Summary,
    per_kind,
    render_report,
    summarise,
)
from guidance_assistant.evals.interview.run import run_interview_eval

__all__ = [
    "CASE_FILE_GLOB",
    "DECLINE_KEY",
    "PERSONA_SEEDS",
    "PERSONA_TURNS",
    "PLANNING",
    "PLANNING_BY",
    "REPEAT_MIN_WORDS",
    "AnswerResult",
    "AnswerVerdict",
    "ClientStep",
    "ConversationMeasures",
    "InterviewCase",
    "InterviewCaseError",
    "InterviewCaseFile",
    "InterviewEvalReport",
    "MustAnswer",
    "PersonaMeasures",
    "PersonaRow",
    "PlayedAction",
    "PlayedDecision",
    "PlayedFlag",
    "PlayedOption",
    "PlayedRecord",
    "PlayedTransition",
    "PlayedTurn",
    "Scored",
    "Summary",
    "Violation",
    "agreed_by_client",
    "agreed_dated_actions",
    "answer_verdict",
    "client_steps_kept",
    "content_words",
    "decline_patterns",
    "default_cases_dir",
    "half_present",
    "load_case_file",
    "load_interview_cases",
    "measure",
    "measure_persona",
    "mentions",
    "per_kind",
    "persona_profile",
    "phrase_pattern",
    "plan_violations",
    "planning_by_15",
    "planning_turn",
    "play",
    "play_persona",
    "reflected",
    "reflected_phrases",
    "rejected_titles",
    "render_report",
    "repeated_turns",
    "run_interview_eval",
    "safeguarding_ok",
    "says_no_information",
    "steps_kept",
    "summarise",
    "summary_repeated",
]
