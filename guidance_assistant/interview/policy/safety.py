"""The first two tables: safety and what the client did, then the rules for any stage."""

from __future__ import annotations

import re

from guidance_assistant.interview.policy.reading import checked_in_recently
from guidance_assistant.interview.policy.rule import Rule, always, make_move
from guidance_assistant.interview.policy.situation import Situation
from guidance_assistant.text.clean import normalise_for_matching

# ----------------------------------------------------------------------- safety and the client


def _asks(s: Situation) -> bool:
    return s.has("ask_information", "ask_framework")


def _flagged(s: Situation) -> bool:
    result = s.analysis.safeguarding
    return result is not None and result.flagged


SAFETY_AND_CLIENT: tuple[Rule, ...] = (
    Rule(
        "safety.disclosure",
        _flagged,
        lambda s: make_move(
            s,
            "safeguarding_response",
            "escalation",
            "safeguarding concern "
            f"({s.analysis.safeguarding.category if s.analysis.safeguarding else None}): "
            "normal guidance stops",
        ),
    ),
    Rule(
        "safety.flag_open",
        # A question while the flag is open is still answered (the ``ASK`` rules, with a
        # reminder that the designated safeguarding lead will be in touch: ``Move.held``);
        # nothing else moves the interview on until an adviser clears the flag.
        lambda s: s.state.active_flag is not None and not _asks(s),
        lambda s: make_move(
            s,
            "safeguarding_response",
            "holding",
            "a safeguarding flag is open until an adviser clears it",
        ),
    ),
    Rule(
        "client.empty",
        lambda s: s.analysis.empty,
        lambda s: make_move(s, "contracting", "empty_prompt", "empty message"),
    ),
    Rule(
        "safety.secrecy_limits",
        lambda s: s.analysis.distress is not None and s.analysis.secrecy_request,
        lambda s: make_move(
            s,
            "open_question",
            "secrecy_limits",
            "asked for secrecy after a worrying remark: the limits of confidentiality, "
            "kindly, never agreement",
        ),
    ),
    Rule(
        "safety.check_in",
        # A question is answered first, and the check-in follows it (``Move.check_in``, set by
        # :func:`~.choose.choose_move`): "how much do florists earn? mum says there's no money
        # in it" read as a possible concern still gets the pay.
        lambda s: (
            s.analysis.distress is not None
            and not _asks(s)
            and not checked_in_recently(s.state, s.practice.check_in_gap)
        ),
        lambda s: make_move(
            s,
            "open_question",
            "check_in",
            f"possible concern (score {s.analysis.distress or 0.0:.2f}, not a disclosure): "
            "acknowledge, restate the limits of confidentiality, check in gently",
        ),
    ),
    Rule(
        "safety.flag_cleared",
        lambda s: (
            s.last_variant == "flag_cleared" and not s.has("ask_information", "ask_framework")
        ),
        lambda s: make_move(
            s,
            "contracting",
            "resume",
            "the adviser cleared the safeguarding flag: gently re-contract",
            resume=True,
        ),
    ),
    Rule(
        "client.injection",
        lambda s: s.has("injection"),
        lambda s: make_move(
            s,
            "contracting",
            "injection",
            "the message tried to change the rules; they do not change",
            resume=True,
        ),
    ),
    Rule(
        "client.off_topic",
        lambda s: s.has("off_topic"),
        lambda s: make_move(
            s,
            "contracting",
            "redirect",
            "request outside careers guidance: redirect to the session's purpose",
            resume=True,
        ),
    ),
    Rule(
        "client.about_adviser",
        lambda s: s.has("about_adviser"),
        lambda s: make_move(
            s, "contracting", "about_adviser", "the client asked what the adviser is", resume=True
        ),
    ),
)

#: After the session has ended: questions still get answers (the ``ask`` rules), else this.
SESSION_ENDED = Rule(
    "ended.closed",
    always,
    lambda s: make_move(s, "contracting", "session_closed", "session ended"),
)


# --------------------------------------------------------------------------------- any stage


#: A question about what happens to what the client says ("is this confidential?", "will you
#: tell my mum?"): answered with the limits of confidentiality, as at the start.
_CONFIDENTIALITY = re.compile(
    r"\b(confidential\w*|(is (this|it|that|everything)|stays?|kept|keep \w+) (private|secret)|"
    r"between (us|me and you|you and me)|"
    r"(you|u) (\w+ ){0,3}(tell|telling|report|reporting|pass\w* \w+ on|share|sharing) "
    r"(\w+ ){0,2}(mum|mom|dad|parents?|family|teachers?|school|tutor|head|any ?one|police|"
    r"social services|social worker))\b"
)


def _asks_confidentiality(s: Situation) -> bool:
    return "?" in s.analysis.text and bool(
        _CONFIDENTIALITY.search(normalise_for_matching(s.analysis.text))
    )


ASK: tuple[Rule, ...] = (
    Rule(
        "ask.confidentiality",
        _asks_confidentiality,
        lambda s: make_move(
            s,
            "contracting",
            "confidentiality",
            "the client asked who will know what they say: the limits of confidentiality",
            resume=True,
        ),
    ),
    Rule(
        "ask.answer_bank",
        lambda s: (
            _asks(s)
            and s.stage.allows("information")
            and s.bank_answer is not None
            and (not s.analysis.occupations or s.bank_answer_beside_job is not None)
            and not (s.analysis.occupations and s.analysis.info_kinds)
        ),
        # "wat does RVN mean", "can you do an apprenticeship at 38?": a short answer written
        # for clients, with its source (knowledge/answers).
        lambda s: make_move(
            s,
            "information",
            "answer",
            "the client asked about a term, a process or money that the answers bank covers",
            answer_id=s.bank_answer.entry.id if s.bank_answer else None,
        ),
    ),
    Rule(
        "ask.job_in_focus",
        lambda s: (
            _asks(s)
            and s.has("ask_framework")
            and s.analysis.refers_back
            and bool(s.analysis.info_kinds)
            and not s.analysis.occupations
            and s.stage.allows("information")
            and bool(s.in_focus)
        ),
        # "What other ways are there into it?": "it" is the job being talked about.
        lambda s: make_move(
            s,
            "information",
            "occupation",
            "the client asked about the job in focus ('it'): answer from its record",
            occupation_ids=s.in_focus[:1],
            info_kinds=list(s.analysis.info_kinds),
        ),
    ),
    Rule(
        "ask.not_in_this_stage",
        lambda s: _asks(s) and not s.stage.allows("information"),
        lambda s: make_move(
            s,
            "reflection",
            "defer_information",
            "information asked for, but this stage does not give it",
        ),
    ),
    Rule(
        "ask.job_family",
        lambda s: (
            s.has("ask_information") and not s.analysis.occupations and bool(s.analysis.ambiguous)
        ),
        # "can I do an apprenticeship to become an engineer?": a few of the jobs it may mean.
        lambda s: make_move(
            s,
            "information",
            "family",
            f"'{s.analysis.ambiguous[0].phrase}' covers several jobs: a few of them, "
            "with the answer for each",
            candidates=s.analysis.ambiguous[0].candidates,
            info_kinds=list(s.analysis.info_kinds),
        ),
    ),
    Rule(
        "ask.job",
        lambda s: s.has("ask_information") and bool(s.asked_ids),
        lambda s: make_move(
            s,
            "information",
            "occupation",
            "the client asked about a job: answer from its record, with citations",
            occupation_ids=s.asked_ids[:2],
            info_kinds=list(s.analysis.info_kinds),
            answer_id=s.bank_answer_beside_job,
        ),
    ),
    Rule(
        "ask.which_job",
        lambda s: (
            s.has("ask_information")
            and bool(s.analysis.info_kinds)
            and not s.has("ask_framework")
            and s.implies_job
        ),
        lambda s: make_move(
            s,
            "closed_question",
            "which_job",
            "the client asked about a job without naming it",
            candidates=[(o.occupation_id, o.title) for o in s.state.options][:3],
        ),
    ),
    Rule(
        "ask.education",
        _asks,
        lambda s: make_move(
            s,
            "information",
            "framework",
            "the client asked about education or training: answer from the framework documents",
            query=s.analysis.text,
        ),
    ),
)


#: While a safeguarding flag is open, a question is answered by these rules in any stage (an
#: answer does not move the interview on); the draft opens with a reminder (``Move.held``).
ASK_WHILE_HELD: tuple[Rule, ...] = tuple(r for r in ASK if r.name != "ask.not_in_this_stage")


def _asks_opinion(s: Situation) -> bool:
    return s.has("ask_opinion")


OPINION: tuple[Rule, ...] = (
    Rule(
        "opinion.criteria_first",
        lambda s: _asks_opinion(s) and not s.criteria_known,
        lambda s: make_move(
            s,
            "open_question",
            "criteria_first",
            "no advice before the client's own criteria are known",
            topic="values",
        ),
    ),
    Rule(
        "opinion.weigh",
        lambda s: _asks_opinion(s) and any(o.client_view != "negative" for o in s.state.options),
        lambda s: make_move(
            s,
            "open_question",
            "weigh",
            "the client asked the adviser to choose: weigh options against their criteria",
            occupation_ids=[
                o.occupation_id for o in s.state.options if o.client_view != "negative"
            ][:3],
        ),
    ),
    Rule(
        "opinion.widen",
        lambda s: _asks_opinion(s) and s.stage.id == "options_and_challenge",
        lambda s: make_move(
            s,
            "information",
            "widening",
            "the client asked what might suit them: widen options from what they said",
        ),
    ),
    Rule(
        "opinion.explore_first",
        _asks_opinion,
        lambda s: make_move(
            s,
            "open_question",
            "criteria_first",
            "options come after exploring what matters to the client",
            topic="values",
        ),
    ),
)

SUMMARY_DISAGREED = Rule(
    "summary.disagreed",
    lambda s: (
        s.state.stage != "contracting"
        and s.state.last_move == "summary"
        and s.has("disagree")
        and not s.new_facts
        and not s.analysis.occupations
        and s.analysis.action is None
    ),
    lambda s: make_move(
        s,
        "open_question",
        "anything_to_add",
        "the client did not agree with the summary: ask what to add or change",
    ),
)

ANY_STAGE: tuple[Rule, ...] = (*ASK, *OPINION, SUMMARY_DISAGREED)
