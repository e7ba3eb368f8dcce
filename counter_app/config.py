"""Where the counter keeps its data and who this workstation is; no heavy imports (read before first paint)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_NAME = "Counter"
APP_AUTHOR = "CityOfLethbridge"
DEFAULT_WORKSTATION = "CH1-01"
CITY_TIMEZONE = "America/Edmonton"
_WORKSTATION = re.compile(r"^[A-Z0-9]{2,4}-\d{2}$")


class ConfigError(ValueError):
    """A setting is wrong; the message tells the operator which one and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    workstation: str = DEFAULT_WORKSTATION
    demo: bool = False
    timezone: str = CITY_TIMEZONE
    drawer_tolerance_cents: int = 25  # a larger over/short needs a supervisor's approval
    verify_float: bool = False  # a second person verifies the opening float
    printer: dict[str, object] | None = None  # the "printer" section of settings.json, parsed by printing
    central_url: str | None = None  # never with a password in it: that comes from the keyring or environment
    central_tls: dict[str, str] | None = None  # e.g. {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}
    idle_lock_minutes: int = 5  # the screen locks (work kept) after this long without a key or click

    @property
    def db_path(self) -> Path:
        return self.data_dir / "counter.sqlite3"


def default_data_dir(demo: bool) -> Path:
    from platformdirs import user_data_dir

    base = Path(user_data_dir(APP_NAME, APP_AUTHOR))
    return base / "demo" if demo else base


def load_settings(
    data_dir: str | None = None, workstation: str | None = None, demo: bool = False, central: str | None = None
) -> Settings:
    """Resolve settings: command line first, then environment, then ``settings.json`` in the data folder."""
    chosen = data_dir or os.environ.get("COUNTER_DATA_DIR")
    folder = Path(chosen).expanduser() if chosen else default_data_dir(demo)
    if workstation and not _WORKSTATION.match(workstation.strip().upper()):
        raise ConfigError(f"Workstation “{workstation.strip()[:12]}” must look like CH1-02 "
                          "(location, dash, two digits).")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # private (POSIX); an older folder: app.build_counter
    except OSError as exc:
        raise ConfigError(f"Cannot use data folder {folder}: {exc.strerror or exc}") from exc
    from counter_app.settings_file import read_settings_file

    # Checked key by key there (type, range, unknown keys): the values below are known to be of their type.
    stored: dict[str, Any] = read_settings_file(folder / "settings.json")
    station = str(workstation or os.environ.get("COUNTER_WORKSTATION") or stored.get("workstation")
                  or DEFAULT_WORKSTATION).strip().upper()
    if not _WORKSTATION.match(station):
        raise ConfigError(f"Workstation “{station}” must look like CH1-02 (location, dash, two digits).")
    tolerance = stored.get("drawer_tolerance_cents", 25)
    printer = stored.get("printer")
    central_url = central or os.environ.get("COUNTER_CENTRAL_URL") or stored.get("central_url")
    if central_url and _has_password(str(central_url)):
        raise ConfigError("The central database URL must not contain a password: store it in the OS keyring "
                          "(service 'counter-central') or set COUNTER_CENTRAL_PASSWORD.")
    tls = stored.get("central_tls")
    idle = stored.get("idle_lock_minutes", 5)
    return Settings(data_dir=folder, workstation=station, demo=demo, drawer_tolerance_cents=tolerance,
                    idle_lock_minutes=idle,
                    verify_float=bool(stored.get("verify_float", False)), printer=printer,
                    central_url=str(central_url) if central_url else None, central_tls=tls)


def _has_password(url: str) -> bool:
    """``scheme://user:secret@host`` carries a password; ``scheme://user@host`` does not."""
    if "://" not in url or "@" not in url:
        return False
    credentials = url.split("://", 1)[1].split("@", 1)[0]
    return ":" in credentials


def embedded_central_url(demo: bool) -> str:
    """With no central database configured, a SQLite file shared by every workstation on this machine."""
    from platformdirs import user_data_dir

    base = Path(user_data_dir(APP_NAME, APP_AUTHOR))
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / ('demo-central.sqlite3' if demo else 'central.sqlite3')}"
