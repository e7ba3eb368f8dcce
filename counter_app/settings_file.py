"""Read, check and write ``settings.json``: every key the counter knows, each with its type and range.

Why its own module: the file is edited by hand (by IT, in Notepad), so whatever it holds must end in one sentence
that names the file, the key and what was expected, never in an ``AttributeError`` deep inside start-up, and a
string ``"false"`` must never count as true. Standard library only: it is read before the first paint.

Rules an administrator can rely on (README, Settings):

* the file holds one JSON object; UTF-8, with or without the byte-order mark Notepad writes;
* every key is one of :data:`KNOWN_KEYS`; an unknown key is refused (a typo such as ``"workstaton"`` would
  otherwise be ignored in silence and the counter would run on the default), with the nearest known key
  suggested; keys that begin with ``_`` are comments and are ignored (``"_note": "set up by IT, May 2026"``);
* a key given twice is refused (JSON keeps the last one, which hides the first);
* ``null`` means "not set" only for the keys whose default is "none" (workstation, printer, central_url,
  central_tls); a number or a true/false cannot be null;
* the ``printer`` section must be an object; its fields are checked by the printing adapter
  (:mod:`counter_app.printing.printer_config`) when the counter starts, and a bad one is shown on screen, with
  receipts going to PDF until it is fixed (Ctrl+Shift+P), so a printer typo never stops the counter from opening;
* the URL of the central database is checked as text here; what makes a usable URL is checked where it is used.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from counter_app.config import ConfigError
from counter_app.payments.limits import SETTING_RANGE as MAX_TRANSACTION_RANGE

__all__ = ["KNOWN_KEYS", "MAX_BYTES", "SettingsAccessError", "read_settings_file", "write_settings_file"]

#: A settings file is a few hundred bytes; anything this large is not one (and is not read into memory whole).
MAX_BYTES = 1_000_000


class SettingsAccessError(ConfigError):
    """settings.json exists but this user may not read it: a permissions problem (exit 1), not a typo (exit 2)."""


def _describe(value: Any) -> str:
    """The value as an administrator would say it: ``the text "false"``, ``the number 5``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f"the text {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - json yields only the kinds above


Check = Callable[[Any], str | None]  # None when the value is good, else what was expected


def _text(example: str, nullable: bool = True) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        return None if isinstance(value, str) else f"must be text such as {json.dumps(example)}"

    return check


def _whole(low: int, high: int, unit: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return None
        return f"must be a whole number of {unit}, {low} to {high}"

    return check


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _section(example: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value is None or isinstance(value, dict) else f"must be an object such as {example}"

    return check


def _tls(value: Any) -> str | None:
    if value is None or (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
        return None
    return 'must map option names to text, e.g. {"sslmode": "verify-full", "sslrootcert": "/path/ca.pem"}'


#: Every key the counter reads from or writes to settings.json, with its check. A new setting is added here first.
KNOWN_KEYS: dict[str, Check] = {
    "workstation": _text("CH1-02"),
    "drawer_tolerance_cents": _whole(0, 10_000, "cents"),
    "verify_float": _flag,
    "idle_lock_minutes": _whole(1, 120, "minutes"),
    "max_transaction_cents": _whole(*MAX_TRANSACTION_RANGE, "cents"),
    "printer": _section('{"kind": "escpos-network", "host": "10.1.2.3"}'),
    "central_url": _text("postgresql://counter@db.city.local/311"),
    "central_tls": _tls,
}


def read_settings_file(path: Path) -> dict[str, Any]:
    """The settings in ``path``, checked key by key; ``{}`` when there is no file.

    Raises :class:`ConfigError` naming the file, the key and the expected type, or :class:`SettingsAccessError`
    when the file cannot be read for lack of permission. The dict is the file's content as written (nothing is
    normalised), so a writer can put it back with one key changed.
    """
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except PermissionError as exc:
        from counter_app.data_folder import file_problem, folder_problem

        problem = folder_problem(path.parent, write=False) or file_problem(path, write=False)
        raise SettingsAccessError(problem or f"{path} cannot be read by this user: fix the permissions of the data "
                                  "folder and its files (the user running Counter must own them).") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a settings file: remove or rename it.") from exc
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read ({exc.strerror or exc}): fix or delete it.") from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB, so it is not a settings file: "
                          "fix or delete it.")
    data = parse_settings_text(raw, path)
    check_settings(data, path)
    return data


def parse_settings_text(raw: bytes, path: Path) -> dict[str, Any]:
    """JSON to a dict, or one sentence: not JSON, not an object, nested too deeply, a key given twice."""
    try:
        text = raw.decode("utf-8-sig")  # Notepad may begin the file with a byte-order mark
        loaded = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError:
        raise ConfigError(f"{path} is not valid JSON: fix or delete it (it is nested too deeply).") from None
    except _DuplicateKeyError as exc:
        raise ConfigError(f"{path}: {_key(exc.key)} is given twice: keep one.") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ConfigError(f"{path} is not valid JSON: fix or delete it ({exc}).") from exc
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path} must hold one JSON object of settings such as {{\"workstation\": \"CH1-02\"}}, "
                          f"not {_describe(loaded)}.")
    return loaded


def check_settings(data: Mapping[str, Any], path: Path) -> None:
    """Every key known (or a ``_comment``), every value of its type; the first problem is raised."""
    for key, value in data.items():
        if key.startswith("_"):
            continue
        check = KNOWN_KEYS.get(key)
        if check is None:
            near = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {_key(near[0])}? " if near else ""
            raise ConfigError(f"{path}: {_key(key)} is not a setting ({hint}the settings are "
                              f"{', '.join(KNOWN_KEYS)}; keys beginning with _ are comments).")
        problem = check(value)
        if problem is not None:
            raise ConfigError(f"{path}: {key} {problem}, not {_describe(value)}.")


def write_settings_file(path: Path, data: Mapping[str, Any]) -> None:
    """Check ``data``, then write it whole: a temporary file beside ``path``, synced, renamed into place.

    A crash leaves the old file or the new one, never half of one. The file is private to the user (0600 on
    POSIX; mkstemp creates it so and it keeps that mode when renamed). Raises :class:`ConfigError` for bad data
    and :class:`OSError` when the folder cannot be written.
    """
    check_settings(data, path)
    text = json.dumps(dict(data), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".json.tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _key(key: str) -> str:
    """A key quoted as JSON would write it (control characters escaped, so the message stays one line)."""
    return json.dumps(key if len(key) <= 40 else key[:40] + "…", ensure_ascii=False)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
