"""Where the central database is and how to log in: URL from settings, password from the keyring or env.

A real store talks only to the central database it is configured with; with none it sends nothing. Only a demo
store falls back to the embedded demo centre (a SQLite file beside its data folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.config import ConfigError, Settings, embedded_central_url

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
        from counter_app.sync.central_engine import safe_url

        return safe_url(self.url) + (" (embedded demo centre)" if self.embedded else "")

    def exists(self) -> bool:
        """False only for an embedded demo centre not made yet (nothing was ever sent to it)."""
        return not self.embedded or Path(self.url.removeprefix("sqlite:///")).exists()


def central_connection(settings: Settings, url: str | None = None) -> CentralConnection | None:
    """The configured centre; the embedded demo centre for a demo store; None for a real store with none."""
    chosen = url or settings.central_url
    if chosen:
        _check_parses(chosen)
        return CentralConnection(chosen, settings.central_tls, embedded=False)
    if settings.demo:
        return CentralConnection(embedded_central_url(settings.data_dir), None, embedded=True)
    return None


def _check_parses(url: str) -> None:
    """SQLAlchemy's own reading of the URL (the settings checked its shape without importing SQLAlchemy)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"The central database URL cannot be read: {str(exc)[:120]}") from None


def open_central(connection: CentralConnection) -> CentralStore:
    """Build the central adapter; the embedded demo centre creates its schema and reference data on first use."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from counter_app.sync.central_store import CentralStore, build_engine

    try:
        engine = build_engine(connection.url, password=connection.password(), tls=connection.tls)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError) as exc:
        raise ConfigError(f"Counter cannot use the central database URL: {str(exc)[:120]}") from None
    store = CentralStore(engine)
    if connection.embedded:
        from counter_app.sync.seed_central import seed_central

        store.init()
        seed_central(store, demo=True, follow_shipped=True)
    return store
