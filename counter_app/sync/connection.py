"""Where the central database is and how to log in: URL from settings, password from the keyring or env."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.config import Settings, embedded_central_url

if TYPE_CHECKING:
    from counter_app.sync.central_store import CentralStore

KEYRING_SERVICE = "counter-central"
PASSWORD_ENV = "COUNTER_CENTRAL_PASSWORD"


@dataclass(frozen=True, slots=True)
class CentralConnection:
    url: str  # never holds the password
    tls: dict[str, str] | None
    embedded: bool

    def password(self) -> str | None:
        """The environment first (CI, services), then the OS keyring; never a config file."""
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if self.embedded or "@" not in self.url:
            return None
        user = self.url.split("://", 1)[1].split("@", 1)[0]
        try:
            import keyring

            return keyring.get_password(KEYRING_SERVICE, user)
        except Exception:  # no keyring backend on this machine: connect without a password
            return None

    @property
    def label(self) -> str:
        from counter_app.sync.central_store import safe_url

        return safe_url(self.url) + (" (embedded demo centre)" if self.embedded else "")


def central_connection(settings: Settings, url: str | None = None) -> CentralConnection:
    chosen = url or settings.central_url
    if chosen:
        return CentralConnection(chosen, settings.central_tls, embedded=False)
    return CentralConnection(embedded_central_url(settings.demo), None, embedded=True)


def open_central(connection: CentralConnection) -> CentralStore:
    """Build the central adapter; the embedded demo centre creates its schema and reference data on first use."""
    from counter_app.sync.central_store import CentralStore, build_engine

    store = CentralStore(build_engine(connection.url, password=connection.password(), tls=connection.tls))
    if connection.embedded:
        from counter_app.sync.seed_central import seed_central

        store.init()
        seed_central(store, demo=True, follow_shipped=True)
    return store


def central_audit_head(connection: CentralConnection, workstation: str) -> tuple[int, str] | None:
    """The centre's last audit hash for this workstation, or None when the centre cannot be reached."""
    if connection.embedded and not Path(connection.url.removeprefix("sqlite:///")).exists():
        return None  # no demo centre yet: nothing was ever sent, and looking must not create one
    try:
        store = open_central(connection)
        try:
            return store.audit_head(workstation)
        finally:
            store.engine.dispose()
    except Exception:  # unreachable, not initialised, wrong password: verify locally only
        return None
