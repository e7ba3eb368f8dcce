"""Logs that rotate and never hold a card number, PIN or password, whatever a message or traceback contains."""

from __future__ import annotations

import io
import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from counter_app.data_folder import PRIVATE_FOLDER_MODE, private_opener
from counter_app.payments.check_digits import luhn_valid

MAX_BYTES = 1_000_000
BACKUPS = 5
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)", re.ASCII)
_SECRET = re.compile(r"(?i)\b(pin|password|passwd|pwd|secret|token)(\s*[=:]\s*)(\S+)")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)([^@\s]+)(@)")


def redact(text: str) -> str:
    """Mask card-like numbers that pass Luhn, ``password=...`` style secrets and passwords inside URLs."""
    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", match.group())
        return "[card number removed]" if luhn_valid(digits) else match.group()

    text = _DIGIT_RUN.sub(card, text)
    text = _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}***{m.group(3)}", text)


class CounterLogHandler(RotatingFileHandler):
    """The rotating log file; a log that cannot be written (a full disk, a read-only folder) stays silent.

    Why: logging's default prints "--- Logging error ---" and a traceback on stderr, which would bury the one line
    that tells the operator what is wrong (and the log cannot hold it anyway).
    """

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)

    def _open(self) -> io.TextIOWrapper:
        """Each log file (the current one and, after a rollover, its successor) is created 0600 on POSIX."""
        stream = open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,  # noqa: SIM115
                      opener=private_opener)
        assert isinstance(stream, io.TextIOWrapper)
        return stream


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log to ``<data>/logs/counter.log`` (rotating, 5 x 1 MB) and record uncaught errors there, redacted."""
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
    path = folder / "counter.log"
    handler = CounterLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(level)
    sys.excepthook = _log_crash
    return path


def _log_crash(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
    logging.getLogger("counter.crash").critical("Uncaught error", exc_info=(kind, value, trace))
    sys.__excepthook__(kind, value, trace)
