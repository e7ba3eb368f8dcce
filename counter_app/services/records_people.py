"""Frozen records for questions, visits and the directory, handed to the UI and commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Specialist:
    id: int
    name: str
    role_code: str
    role_name: str
    department_code: str
    department_name: str
    extension: str
    on_duty: bool


@dataclass(frozen=True, slots=True)
class VisitRef:
    id: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class ReferralNote:
    id: str
    referral_id: str
    status: str
    note: str
    at: datetime
    staff_id: int | None
    source: str = "counter"
