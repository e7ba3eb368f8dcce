"""Where the counter keeps its data and who this workstation is; no heavy imports (read before first paint)."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.payments.limits import DEFAULT_MAX_TRANSACTION_CENTS

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
    #: "" until named: a real store has no default name (its first start asks); a demo store defaults to CH1-01.
    #: Once the store exists, the name written in it wins (see ``counter_app.app.resolve_settings``).
    workstation: str = ""
    demo: bool = False
    timezone: str = CITY_TIMEZONE
    drawer_tolerance_cents: int = 25  # a larger over/short needs a supervisor's approval
    verify_float: bool = False  # a second person verifies the opening float
    printer: dict[str, object] | None = None  # the "printer" section of settings.json, parsed by printing
    central_url: str | None = None  # never with a password in it: that comes from the keyring or environment
    central_tls: dict[str, str] | None = None  # e.g. {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}
    idle_lock_minutes: int = 5  # the screen locks (work kept) after this long without a key or click
    #: Where ``workstation`` was given ("--workstation", "COUNTER_WORKSTATION", "settings.json"), or "" when it
    #: was not: a name given that disagrees with the store's own is refused rather than used.
    workstation_source: str = ""
    # One sale above this needs a supervisor's price override; $50,000 by default (payments.limits says why).
    max_transaction_cents: int = DEFAULT_MAX_TRANSACTION_CENTS

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
    if workstation is not None and not _WORKSTATION.match(workstation.strip().upper()):
        raise ConfigError(f"Workstation “{workstation.strip()[:12]}” must look like CH1-02 "
                          "(location, dash, two digits).")
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # private (POSIX); an older folder: app.build_counter
    except OSError as exc:
        raise ConfigError(f"Cannot use data folder {folder}: {exc.strerror or exc}") from exc
    from counter_app.settings_file import read_settings_file

    # Checked key by key there (type, range, unknown keys): the values below are known to be of their type.
    settings_file = folder / "settings.json"
    stored: dict[str, Any] = read_settings_file(settings_file)
    station, station_source = _first_given(
        ("--workstation", workstation), ("COUNTER_WORKSTATION", os.environ.get("COUNTER_WORKSTATION")),
        (f"{settings_file.name}", stored.get("workstation")))
    station = station.upper()
    if station and not _WORKSTATION.match(station):
        raise ConfigError(f"Workstation “{station[:12]}” ({station_source}) must look like CH1-02 "
                          "(location, dash, two digits).")
    if not station and demo:
        station = DEFAULT_WORKSTATION
    tolerance = stored.get("drawer_tolerance_cents", 25)
    printer = stored.get("printer")
    if central is not None and not central.strip():
        raise ConfigError("--central needs the central database URL, e.g. postgresql://counter@db.city.local/311")
    central_url, central_source = _first_given(
        ("--central", central), ("COUNTER_CENTRAL_URL", os.environ.get("COUNTER_CENTRAL_URL")),
        (f"{settings_file.name} central_url", stored.get("central_url")))
    if central_url:
        check_central_url(central_url, central_source)
    central_timeout_s()  # refused now, in words, rather than replaced by a default at the first sync
    tls = stored.get("central_tls")
    idle = stored.get("idle_lock_minutes", 5)
    cap = stored.get("max_transaction_cents", DEFAULT_MAX_TRANSACTION_CENTS)
    return Settings(data_dir=folder, workstation=station, demo=demo, drawer_tolerance_cents=tolerance,
                    idle_lock_minutes=idle, max_transaction_cents=cap,
                    verify_float=bool(stored.get("verify_float", False)), printer=printer,
                    central_url=central_url or None, central_tls=tls,
                    workstation_source=station_source if station_source and station else "")


#: Seconds: bounds one whole sync attempt with the central database (connect, every statement, lock and TCP wait,
#: the client-side answer deadline). Unset: 15 s per wait and 60 s for the attempt.
CENTRAL_TIMEOUT_ENV = "COUNTER_CENTRAL_TIMEOUT_S"
CENTRAL_TIMEOUT_RANGE = (1.0, 3600.0)


def central_timeout_s(environ: dict[str, str] | None = None) -> float | None:
    """``COUNTER_CENTRAL_TIMEOUT_S`` in seconds, None when unset; a value that is not 1 to 3600 is refused."""
    raw = (os.environ if environ is None else environ).get(CENTRAL_TIMEOUT_ENV, "").strip()
    if not raw:
        return None
    low, high = CENTRAL_TIMEOUT_RANGE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not low <= seconds <= high:  # NaN fails too
        raise ConfigError(f"{CENTRAL_TIMEOUT_ENV} must be a number of seconds from {low:g} to {high:g}, "
                          f"not “{raw[:20]}”.")
    return seconds


def _first_given(*candidates: tuple[str, object]) -> tuple[str, str]:
    """The first value actually given (an empty text counts as not given), stripped, and where it came from."""
    for source, value in candidates:
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{source} must be text, not {type(value).__name__}.")
        if value.strip():
            return value.strip(), source
    return "", ""


#: The database kinds Counter can use as its centre (SQLAlchemy backend names before any "+driver").
CENTRAL_BACKENDS = ("postgresql", "mysql", "mariadb", "sqlite")
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9]*)(?:\+[a-z0-9_]+)?://(?P<rest>.*)$", re.DOTALL)
_SECRET_QUERY = re.compile(r"(?:^|&)(?:password|passwd|pwd|sslpassword)=", re.IGNORECASE)


def check_central_url(url: str, source: str = "the central database URL") -> None:
    """Refuse, in words, a URL that is not one Counter can connect to, or one carrying a password.

    Checked here without SQLAlchemy (this runs before anything heavy is imported); the adapter parses it in full
    when it connects.
    """
    shown = url if len(url) <= 60 else url[:57] + "..."
    match = _URL.match(url)
    if match is None or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ConfigError(f"“{_hide_password(shown)}” ({source}) is not a database URL: use, e.g., "
                          "postgresql://counter@db.city.local/311")
    if match["scheme"] not in CENTRAL_BACKENDS:
        raise ConfigError(f"{source}: “{match['scheme']}” is not a database Counter can use as its centre "
                          f"({', '.join(CENTRAL_BACKENDS)}).")
    if _has_password(url):
        raise ConfigError("The central database URL must not contain a password: store it in the OS keyring "
                          "(service 'counter-central') or set COUNTER_CENTRAL_PASSWORD.")
    if match["scheme"] != "sqlite" and not match["rest"].split("/", 1)[0].rsplit("@", 1)[-1] \
            and "host=" not in match["rest"]:
        raise ConfigError(f"{source}: the URL names no server, e.g. postgresql://counter@db.city.local/311")


def _has_password(url: str) -> bool:
    """``scheme://user:secret@host`` or ``?password=secret`` carries a password; ``scheme://user@host`` does not."""
    if "://" not in url:
        return False
    rest = url.split("://", 1)[1]
    query = rest.split("?", 1)[1] if "?" in rest else ""
    if _SECRET_QUERY.search(query):
        return True
    if "@" not in rest.split("/", 1)[0]:
        return False
    credentials = rest.split("/", 1)[0].rsplit("@", 1)[0]
    return ":" in credentials


def _hide_password(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


def embedded_central_url(data_dir: Path) -> str:
    """The demo's own centre: a SQLite file beside the demo data folder, shared by the demo workstations whose
    folders sit side by side (the default demo folder, or ``--data-dir A`` and ``--data-dir B``). Real stores
    never use it: with no central URL they send nothing."""
    return f"sqlite:///{data_dir.resolve().parent / 'demo-central.sqlite3'}"
