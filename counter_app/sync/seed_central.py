"""Publish the city's reference data to a new central database (and, for the demo, staff and bills)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from counter_app.resources import resource_path
from counter_app.sync.central_store import CentralStore


def _load(*parts: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(resource_path(*parts).read_text(encoding="utf-8"))
    return data


def seed_central(store: CentralStore, demo: bool = False) -> bool:
    """Load reference data once; returns False when the centre already has some."""
    if store.has_reference():
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
        from counter_app.security.pins import hash_pin

        store.publish_reference("specialists", [(f"{s['role_code']}:{s['name']}", s)
                                                for s in _load("demo", "specialists.json")])
        store.publish_reference("staff", [
            (p["staff_no"], {"name": p["name"], "role": p["role"], "pin_hash": hash_pin(p["pin"]), "active": True})
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
    return True
