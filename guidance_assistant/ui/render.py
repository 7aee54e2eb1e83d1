"""Turning library results into safe Markdown and HTML for the app (HTML is shown as text).

Two rules: text from people or documents goes through :func:`escape` (HTML and Markdown made
inert); Markdown the library writes (briefs, plans, reports) goes through :func:`safe_markdown`,
which keeps its formatting but turns any HTML inside it into visible text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from guidance_assistant.interview.model import STAGE_IDS
from guidance_assistant.interview.phrases import load_phrasebook
from guidance_assistant.interview.state import Fact, SessionState, TranscriptEntry, TurnCitation
from guidance_assistant.retrieval.knowledge_base import Passage

STAGE_LABELS = {
    "contracting": "Contracting",
    "exploration": "Exploration",
    "options_and_challenge": "Options and challenge",
    "decision_and_action_planning": "Decision and action planning",
    "close": "Close",
}


def stage_words(stage: str | None) -> str:
    """An interview stage as a person reads it ("options_and_challenge" -> "Options and
    challenge"); "not started" when there is none."""
    if not stage:
        return "not started"
    return STAGE_LABELS.get(stage, stage.replace("_", " "))


_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)


def need_words(need: str) -> str:
    """A need as an adviser reads it, for a list or a tick box: the label of the interview's
    needs file (``prompts/offline/needs.yaml``) without its article, with a capital ("eal" ->
    "English as an additional language (EAL)", "young_carer" -> "Young carer"). Only what is
    shown changes: the stored value stays the need's id."""
    guidance = load_phrasebook().need(need)
    label = guidance.label if guidance is not None else need.replace("_", " ")
    label = _ARTICLE.sub("", label.strip())
    return label[:1].upper() + label[1:]


def year_words(year_group: int | None) -> str:
    """A school year for a person to read: "Year 11", or "not known" (never "Year 0")."""
    return f"Year {year_group}" if year_group else "not known"


def escape(text: str) -> str:
    """Escape HTML and Markdown-active characters so user or document text is shown as text."""
    escaped = html.escape(text, quote=False).replace('"', "&quot;")
    for ch in ("\\", "`", "*", "_", "[", "]", "#", "|"):
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def safe_markdown(markdown: str) -> str:
    """Library-written Markdown with any HTML in it (from notes, messages, documents) made
    visible text: ``<``, ``>`` and ``&`` become entities, the Markdown itself is kept,
    blockquote markers (``>`` at the start of a line: notices, the safeguarding banner)
    included. Only the markers come back: what follows them stays escaped."""
    return _QUOTE_MARKERS.sub(
        lambda m: m.group(0).replace("&gt;", ">"), html.escape(markdown, quote=False)
    )


_QUOTE_MARKERS = re.compile(r"^[ \t]{0,3}(?:&gt;[ \t]?)+", re.MULTILINE)


def passages_markdown(question: str, passages: list[Passage]) -> str:
    if not passages:
        return f"No passages found for *{escape(question)}*."
    parts = [f"**{len(passages)} passages for:** {escape(question)}\n"]
    for rank, passage in enumerate(passages, start=1):
        parts.append(
            f"### {rank}. {escape(passage.citation.title)}\n"
            f"{escape(passage.text)}\n\n"
            f"> Source: {escape(passage.citation.render())} · "
            f"{escape(passage.doc_type)} · score {passage.score:.3f}\n"
        )
    return "\n".join(parts)


def stage_tracker_html(stage: str | None, visited: Iterable[str] = ()) -> str:
    """The five interview stages in order, the current one highlighted (``aria-current``)."""
    seen = set(visited)
    items = []
    for number, stage_id in enumerate(STAGE_IDS, start=1):
        label = html.escape(STAGE_LABELS.get(stage_id, stage_id))
        if stage_id == stage:
            style = "background:#1d4ed8;color:#fff;font-weight:700;"
            extra = ' aria-current="step" class="ga-stage current"'
        elif stage_id in seen:
            style = "background:#dbeafe;color:#1e3a8a;"
            extra = ' class="ga-stage visited"'
        else:
            style = "background:#f3f4f6;color:#374151;"
            extra = ' class="ga-stage"'
        items.append(
            f'<li data-stage="{stage_id}"{extra} style="{style}padding:4px 10px;'
            f'border-radius:12px;list-style:none">{number}. {label}</li>'
        )
    return (
        '<ol id="ga-stages" aria-label="Interview stages" '
        'style="display:flex;gap:6px;flex-wrap:wrap;padding:0;margin:0">' + "".join(items) + "</ol>"
    )


def _bullets(items: Sequence[str], empty: str) -> list[str]:
    """Markdown bullets of the non-blank ``items`` (``empty``, in italics, when none is left)."""
    kept = [item for item in items if item.strip()]
    return [f"- {item}" for item in kept] if kept else [f"- *{empty}*"]


def _said(fact: Fact) -> str:
    """A fact as the panel shows it: its gist, else the client's own words, quoted."""
    gist = fact.gist.strip()
    if gist:
        return escape(gist)
    words = fact.text.strip()
    return f"“{escape(words)}”" if words else ""


def state_markdown(state: SessionState) -> str:
    """What the session knows: agenda, facts by topic, criteria, options, actions. Blank
    entries are left out, so no heading or bullet is ever shown with nothing after it."""
    lines = ["#### Agenda", *_bullets([escape(a.strip()) for a in state.agenda], "not agreed yet")]
    lines.append("#### What is known")
    known = []
    for topic, facts in state.facts.items():
        said = [shown for shown in (_said(fact) for fact in facts) if shown]
        if said:
            known.append(f"**{escape(topic.replace('_', ' '))}:** " + "; ".join(said))
    known += [
        f"**criterion:** {escape(c.label.strip())}" for c in state.criteria if c.label.strip()
    ]
    lines += _bullets(known, "nothing yet")
    lines.append("#### Options")
    options = []
    for option in state.options:
        if not option.title.strip():
            continue
        view = f" — client: {escape(option.client_view)}" if option.client_view else ""
        options.append(f"{escape(option.title.strip())}{view}")
    lines += _bullets(options, "none yet")
    lines.append("#### Actions")
    actions = []
    for action in state.actions:
        if not action.what.strip():
            continue
        who = f" — {escape(action.who.strip())}" if action.who.strip() else ""
        when = f", by {action.when.isoformat()}" if action.when else ", no date yet"
        actions.append(f"{escape(action.what.strip())}{who}{when}")
    lines += _bullets(actions, "none yet")
    if state.concerns:  # not a safeguarding flag: worrying remarks, for the adviser to weigh
        lines.append("#### Possible concerns (not disclosures)")
        for note in state.concerns:
            what = escape(note.label) if note.label else "possible concern"
            status = "checked in" if note.checked_in else "noted"
            quoted = f": “{escape(note.words)}”" if note.words else ""
            lines.append(f"- turn {note.turn}: {what} — {status}{quoted}")
    return "\n".join(lines)


def citations_markdown(citations: Sequence[TurnCitation]) -> str:
    if not citations:
        return "*This reply drew on no sources.*"
    parts = ["#### Sources behind this reply"]
    for number, cited in enumerate(citations, start=1):
        snippet = cited.text if len(cited.text) <= 300 else cited.text[:300] + "…"
        parts.append(f"{number}. **{escape(cited.render())}**  \n   {escape(snippet)}")
    return "\n".join(parts)


def safeguarding_markdown(state: SessionState) -> str:
    flag = state.active_flag
    if flag is None:
        return ""
    return (
        f"## ⚠️ Safeguarding concern (turn {flag.turn})\n"
        f"{escape(flag.category or 'unspecified')}: {escape(flag.reason)}.\n\n"
        "**Follow your safeguarding procedure: refer to the designated safeguarding lead.**"
    )


def chat_messages(transcript: Sequence[TranscriptEntry]) -> list[dict[str, Any]]:
    """The transcript as Chatbot messages (client = user, adviser = assistant), escaped."""
    return [
        {
            "role": "user" if entry.speaker == "client" else "assistant",
            "content": escape(entry.text)
            if entry.speaker == "client"
            else safe_markdown(entry.text),
        }
        for entry in transcript
    ]


def reply_in_progress(words: str) -> dict[str, Any]:
    """A chat message for a model's words while it writes them: marked as a draft that is
    still being checked (the words in a quotation, greyed by the chat's style)."""
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in escape(words).split("\n"))
    return {"role": "assistant", "content": f"*Draft in progress, checking…*\n\n{quoted}"}


def wording_not_used(fallback: str | None) -> str:
    """The note shown under the engine's draft when a model's streamed words were not used."""
    why = (fallback or "it did not pass the checks").removeprefix("backend error: ")
    why = why.split(" (", 1)[0].rstrip(".")
    if len(why) > 90:
        why = why[:89] + "…"
    return f"*The model's wording was not used ({escape(why)}); this is the engine's own draft.*"


def transcript_markdown(state: SessionState) -> str:
    """Every turn with its annotations: stage, move, sources and flags."""
    lines = []
    for entry in state.transcript:
        who = "Client" if entry.speaker == "client" else "Adviser"
        notes = [STAGE_LABELS.get(entry.stage, entry.stage)]
        if entry.move:
            notes.append(entry.move.replace("_", " "))
        if entry.flags:
            notes.append("flags: " + ", ".join(entry.flags))
        lines.append(f"**{entry.turn}. {who}** *({escape(' · '.join(notes))})*  ")
        lines.append(escape(entry.text))
        for cited in entry.citations:
            lines.append(f"> Source: {escape(cited.render())}")
        lines.append("")
    return "\n".join(lines) or "*No turns yet.*"
