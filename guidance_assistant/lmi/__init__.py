"""Labour market information: occupation records with cited facts and figures.

>>> from guidance_assistant import lmi
>>> lmi.get("3d-printing-technician").title
'3D printing technician'
>>> lmi.find("software develper")[0].record.id
'software-developer'

The bundled records are loaded once, on first use.
"""

from __future__ import annotations

from functools import lru_cache

from guidance_assistant.lmi.models import (
    ATTRIBUTION,
    ApprenticeshipStandard,
    AshePay,
    EntryRoute,
    Figure,
    Hours,
    OccupationMatch,
    OccupationRecord,
    QualificationRequirement,
    Salary,
    Soc2010Code,
    Soc2020Code,
)
from guidance_assistant.lmi.store import LMIStore, default_records_path

__all__ = [
    "ATTRIBUTION",
    "ApprenticeshipStandard",
    "AshePay",
    "EntryRoute",
    "Figure",
    "Hours",
    "LMIStore",
    "OccupationMatch",
    "OccupationRecord",
    "QualificationRequirement",
    "Salary",
    "Soc2010Code",
    "Soc2020Code",
    "bundled_store",
    "default_records_path",
    "find",
    "get",
]


@lru_cache(maxsize=1)
def bundled_store() -> LMIStore:
    """The bundled occupation records, loaded on first use and kept."""
    return LMIStore.load()


def get(id: str) -> OccupationRecord:
    """The bundled record with this id (see :meth:`LMIStore.get`)."""
    return bundled_store().get(id)


def find(query: str, limit: int = 5) -> list[OccupationMatch]:
    """Bundled records by job title (see :meth:`LMIStore.find`)."""
    return bundled_store().find(query, limit=limit)
