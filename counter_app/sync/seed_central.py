"""Publish the city's reference data to a new central database (and, for the demo, staff and bills)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from counter_app.resources import resource_path
from counter_app.security.pins import DEMO_PEPPER, Pepper, hash_pin
from counter_app.sync.central_store import CentralStore


def _load(*parts: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(resource_path(*parts).read_text(encoding="utf-8"))
    return data


#: The ``ref_data`` row (kind, key) naming the shipped files a centre was last seeded from.
SHIPPED = ("shipped", "files")


def seed_central(store: CentralStore, demo: bool = False, *, follow_shipped: bool = False,
                 pepper: Pepper = DEMO_PEPPER) -> bool:
    """Load the shipped reference data once; returns False when the centre already has some.

    ``follow_shipped`` is for the embedded demo centre only: when the shipped files changed since it was seeded
    (a new version of the app), they are published again and every demo counter pulls them. A real centre's
    reference data belongs to the city and is never overwritten from the installer. The demo staff's PINs are
    hashed with ``pepper``, the public demo pepper unless told otherwise: a real store (another pepper) cannot
    verify them, so the demo logins never open a real store.
    """
    shipped = _shipped_hash(demo)
    if store.has_reference():
        seeded = [change.payload.get("hash") for change in store.reference_changes(SHIPPED[0], 0)]
        if not follow_shipped or seeded == [shipped]:
            return False
    store.publish_reference("gst_codes", [(i["code"], i) for i in _load("reference", "gst_codes.json")])
    store.publish_reference("gl_accounts", [(i["code"], i) for i in _load("reference", "gl_accounts.json")])
    topics = _load("reference", "topics.json")
    store.publish_reference("topics", [(t["code"], {**t, "sort_order": n}) for n, t in enumerate(topics)])
    services = _load("reference", "services.json")
    store.publish_reference("services", [(s["code"], {**s, "sort_order": n}) for n, s in enumerate(services)])
    store.publish_reference("departments", [(d["code"], d) for d in _load("reference", "departments.json")])
    store.publish_reference("kb_articles", [(a["id"], a) for a in _load("knowledge", "articles.json")])
    if demo:
        store.publish_reference("specialists", [(f"{s['role_code']}:{s['name']}", s)
                                                for s in _load("demo", "specialists.json")])
        store.publish_reference("staff", [
            (p["staff_no"], {"name": p["name"], "role": p["role"], "pin_hash": hash_pin(p["pin"], pepper),
                             "active": True})
            for p in _load("demo", "staff.json")
        ])
        now = datetime.now(UTC)
        today = date.today()
        bills = []
        for bill in _load("demo", "accounts.json"):
            days = bill.pop("issued_days_ago", None)
            if days is not None:
                bill["issued_date"] = (today - timedelta(days=days)).isoformat()
            bills.append((bill["number"], {**bill, "as_of": now.isoformat()}))
        store.publish_reference("bill_accounts", bills)
    store.publish_reference(SHIPPED[0], [(SHIPPED[1], {"hash": shipped})])
    return True


def _shipped_hash(demo: bool) -> str:
    digest = hashlib.sha256()
    folders = ("reference", "knowledge", "demo") if demo else ("reference", "knowledge")
    for path in sorted(p for folder in folders for p in resource_path(folder).glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
