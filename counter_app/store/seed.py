"""Load the city's reference data (and, for the demo, staff and bills) from the JSON files in resources/."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from counter_app.payments.catalog import ALL_TENDERS
from counter_app.resources import resource_path
from counter_app.security.pins import NoPepper, Pepper, hash_pin
from counter_app.services.records_sync import pull_cursor_key
from counter_app.store.schema import (
    ArticleRow,
    BillAccountRow,
    DepartmentRow,
    GlAccountRow,
    GstCodeRow,
    RolePermissionRow,
    RoleRow,
    ServiceRow,
    SpecialistRoleRow,
    SpecialistRow,
    StaffRow,
    SyncStateRow,
    TopicRow,
)


def _load(path: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def seed_reference(session: Session, folder: Path | None = None) -> None:
    """Insert or update GST codes, GL accounts and services by their codes (safe to run at every start)."""
    folder = folder or resource_path("reference")
    for item in _load(folder / "gst_codes.json"):
        session.merge(GstCodeRow(**item))
    for item in _load(folder / "gl_accounts.json"):
        session.merge(GlAccountRow(**item))
    for role in _load(folder / "roles.json"):
        session.merge(RoleRow(code=role["code"], name=role["name"]))
        session.flush()
        session.execute(delete(RolePermissionRow).where(RolePermissionRow.role_code == role["code"]))
        for permission in role["permissions"]:
            session.add(RolePermissionRow(role_code=role["code"], permission=permission))
    for order, item in enumerate(_load(folder / "topics.json")):
        session.merge(TopicRow(sort_order=order, **item))
    for item in _load(folder / "departments.json"):
        roles = item.pop("roles")
        session.merge(DepartmentRow(active=True, **item))
        for role in roles:
            session.merge(SpecialistRoleRow(department_code=item["code"], **role))
    session.flush()
    for order, item in enumerate(_load(folder / "services.json")):
        tenders = item.pop("tenders")
        if tenders == "all":
            tenders = sorted(t.value for t in ALL_TENDERS)
        session.merge(ServiceRow(allowed_tenders=",".join(tenders), sort_order=order, active=True, **item))
    session.flush()


#: The sync_state key marking a store made for the demo (its PINs use the public demo pepper).
def seed_demo(session: Session, today: date, folder: Path | None = None, *, pepper: Pepper | NoPepper) -> bool:
    """Demo staff and bills, once: returns False when the store already has staff. ``pepper`` is the store's
    (for a demo store, the public demo pepper)."""
    folder = folder or resource_path("demo")
    if session.scalar(select(StaffRow.id).limit(1)) is not None:
        return False
    for person in _load(folder / "staff.json"):
        session.add(StaffRow(staff_no=person["staff_no"], name=person["name"], role=person["role"],
                             pin_hash=hash_pin(person["pin"], pepper), active=True))
    for person in _load(folder / "specialists.json"):
        session.add(SpecialistRow(**person))
    for bill in _load(folder / "accounts.json"):
        days_ago = bill.pop("issued_days_ago", None)
        due = bill.pop("due_date", None)
        session.add(BillAccountRow(
            issued_date=today - timedelta(days=days_ago) if days_ago is not None else None,
            due_date=date.fromisoformat(due) if due else None,
            **bill,
        ))
    session.flush()
    return True


def demo_logins(folder: Path | None = None) -> list[dict[str, str]]:
    """The demo staff and their PINs, shown to a newcomer on the demo login screen."""
    return _load((folder or resource_path("demo")) / "staff.json")


def seed_knowledge(session: Session, path: Path | None = None) -> int:
    """Replace the knowledge base with the articles in ``path`` and rebuild its full-text index."""
    articles = _load(path or resource_path("knowledge", "articles.json"))
    session.execute(delete(ArticleRow))
    session.execute(text("DELETE FROM kb_fts"))
    for item in articles:
        session.add(ArticleRow(
            id=item["id"], title=item["title"], topic=item["topic"], department=item["department"],
            keywords=json.dumps(item["keywords"]), answer=item["answer"], steps=json.dumps(item["steps"]),
            related_services=json.dumps(item["related_services"]), refer_role=item.get("refer_role"),
            what_to_bring=item.get("what_to_bring", ""), source=item["source"],
            last_reviewed=date.fromisoformat(item["last_reviewed"]),
        ))
    session.flush()
    index_articles(session, articles)
    return len(articles)


def index_articles(session: Session, articles: list[dict[str, Any]]) -> None:
    session.execute(
        text("INSERT INTO kb_fts(article_id, title, keywords, answer, steps) VALUES (:i, :t, :k, :a, :s)"),
        [
            {"i": a["id"], "t": a["title"], "k": " ".join(a["keywords"]), "a": a["answer"], "s": " ".join(a["steps"])}
            for a in articles
        ],
    )


def _files_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def seed_if_changed(session: Session) -> bool:
    """Load the shipped reference data and knowledge base when they changed since the last load (or never ran).

    Keyed by a hash of the files, kept in the same transaction as the data: a start killed half-way simply
    loads again next time, so a store is never left without its fee schedule.
    """
    folder = resource_path("reference")
    reference = sorted(folder.glob("*.json"))
    knowledge = resource_path("knowledge", "articles.json")
    changed = False
    wanted = _files_hash(*reference)
    if session.get(SyncStateRow, "reference_hash") is None or \
            session.get(SyncStateRow, "reference_hash").value != wanted:  # type: ignore[union-attr]
        seed_reference(session, folder)
        session.merge(SyncStateRow(key="reference_hash", value=wanted))
        _pull_again(session, SHIPPED_REFERENCE_KINDS)
        changed = True
    wanted_kb = _files_hash(knowledge)
    current = session.get(SyncStateRow, "knowledge_hash")
    if current is None or current.value != wanted_kb:
        seed_knowledge(session, knowledge)
        session.merge(SyncStateRow(key="knowledge_hash", value=wanted_kb))
        _pull_again(session, ("kb_articles",))
        changed = True
    return changed


#: The kinds of central reference data that ``seed_reference`` also writes from the shipped files.
SHIPPED_REFERENCE_KINDS = ("gst_codes", "gl_accounts", "topics", "departments", "services")


def _pull_again(session: Session, kinds: tuple[str, ...]) -> None:
    """The shipped files were just loaded over these kinds (an app upgrade): forget how far they were pulled.

    The centre owns reference data once a counter syncs: a fee the city changed centrally must not fall back to
    the value in the installer. The next pull fetches these kinds whole and puts the centre's values back.
    """
    session.execute(delete(SyncStateRow).where(SyncStateRow.key.in_([pull_cursor_key(kind) for kind in kinds])))
