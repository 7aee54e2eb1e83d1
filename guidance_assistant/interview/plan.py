"""The client's written action plan: what we talked about, what they decided, their SMART
steps (what, who, by when) and where the information came from.

:meth:`ActionPlan.to_markdown` is written for the young person, in plain language;
:meth:`ActionPlan.to_pdf` lays the same content out as a one- or two-page PDF. Both write
:meth:`ActionPlan.to_document` through :mod:`guidance_assistant.export`, which decides the
layout; the wording is chosen here. Safeguarding details never appear in a plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from guidance_assistant.export import (
    Block,
    Bullets,
    Document,
    Note,
    Paragraph,
    Section,
    Table,
    document_to_markdown,
    document_to_pdf,
)
from guidance_assistant.interview.phrases import Phrasebook
from guidance_assistant.interview.state import SessionState
from guidance_assistant.sources import Citation
from guidance_assistant.text.clean import join_words
from guidance_assistant.text.dates import format_date

HELP_LINE = (
    "If you want to talk again, or something changes, ask your school's careers adviser or the "
    "careers team. You can also use the National Careers Service website."
)
WHO = {
    "You": "You",
    "Adviser": "Your careers adviser",
    "Parent or carer": "Your parent or carer",
    "Tutor": "Your tutor",
    "SENCO": "The SENCO",
}


class PlanItem(BaseModel):
    """One step of the plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    what: str
    who: str
    when: date | None = None

    @property
    def when_text(self) -> str:
        return format_date(self.when) if self.when else "Date to agree"


class ActionPlan(BaseModel):
    """A written action plan for the client."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_date: date
    name: str | None = None
    talked_about: list[str] = Field(default_factory=list)
    what_matters: list[str] = Field(default_factory=list)
    options: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    items: list[PlanItem] = Field(default_factory=list)
    next_contact: str | None = None
    sources: list[Citation] = Field(default_factory=list)

    def _sections(self) -> list[tuple[str, list[str]]]:
        sections: list[tuple[str, list[str]]] = []
        if self.talked_about:
            sections.append(("What we talked about", self.talked_about))
        if self.what_matters:
            sections.append(("What matters to you", self.what_matters))
        if self.options:
            sections.append(("Options we looked at", self.options))
        if self.decisions:
            sections.append(("What you decided", self.decisions))
        return sections

    def to_document(self) -> Document:
        """The plan as plain data for :mod:`guidance_assistant.export` (Markdown and PDF)."""
        sections = [
            Section(heading, (Bullets(tuple(items)),)) for heading, items in self._sections()
        ]
        steps: Block = Note("No steps agreed yet. Talk to your careers adviser to plan some.")
        if self.items:
            rows = tuple(
                (item.what[:1].upper() + item.what[1:], item.who, item.when_text)
                for item in self.items
            )
            steps = Table(("What", "Who", "By when"), rows)
        sources: Block = Note("We did not look up any facts or figures today.")
        if self.sources:
            sources = Bullets(tuple(citation.render() for citation in self.sources))
        sections += [
            Section("Your next steps", (steps,)),
            Section("Next time we talk", (Note(self.next_contact or "No date set yet."),)),
            Section("Where the information came from", (sources,)),
            Section("Getting help", (Paragraph(HELP_LINE),)),
        ]
        return Document(
            title=f"Your careers action plan{f' – {self.name}' if self.name else ''}",
            lead=(f"Date: {format_date(self.session_date)}",),
            sections=tuple(sections),
        )

    def to_markdown(self) -> str:
        """The plan in plain language, with a table of steps and the sources used."""
        return document_to_markdown(self.to_document())

    def to_pdf(self, path: str | Path) -> Path:
        """Write the plan as a PDF to ``path`` (folders are created) and return the path."""
        return document_to_pdf(self.to_document(), path)


def build_action_plan(state: SessionState, phrases: Phrasebook) -> ActionPlan:
    """The plan from a session's state (no safeguarding details; sources from the turns)."""
    from guidance_assistant.interview.updates import article

    talked = list(state.agenda)
    matters = [criterion.label for criterion in state.criteria]
    options: list[str] = []
    for option in state.options:
        if not option.presented or (option.origin == "widening" and option.client_view is None):
            continue
        view = phrases.render(
            f"view.{option.client_view or 'none'}", seed=state.seed, turn=0, plain=True
        )
        name = article(option.title)
        options.append(f"Working as {name}: {view}.")
    seen: set[tuple[str, str | None]] = set()
    sources: list[Citation] = []
    for entry in state.transcript:
        if entry.speaker != "adviser":
            continue
        for citation in entry.citations:
            key = (citation.citation.source, citation.citation.section)
            if key not in seen:
                seen.add(key)
                sources.append(citation.citation)
    items = [
        PlanItem(what=action.what, who=WHO.get(action.who, action.who), when=action.when)
        for action in state.actions
    ]
    next_contact = None
    if state.next_contact_agreed:
        next_contact = (
            f"We agreed to talk again {state.next_contact}."
            if state.next_contact
            else "No follow-up booked. You can ask for one at any time."
        )
    return ActionPlan(
        session_date=state.session_date,
        name=state.profile.name,
        talked_about=[t[:1].upper() + t[1:] for t in talked],
        what_matters=[join_words(matters)] if matters else [],
        options=options,
        decisions=[d.text[:1].upper() + d.text[1:] + "." for d in state.decisions],
        items=items,
        next_contact=next_contact,
        sources=sources,
    )
