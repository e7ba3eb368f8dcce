"""Connections to the central database that never hang: timeouts per dialect, a deadline per sync attempt.

``COUNTER_CENTRAL_TIMEOUT_S`` (checked in :mod:`counter_app.config`) bounds one whole attempt: every statement,
lock and socket wait is given what is left of it, so a centre that answers slowly ends the attempt on time
instead of holding central transactions open. Sessions on PostgreSQL also carry an idle-in-transaction timeout,
so a counter that vanished mid-transaction never holds the centre's locks for long.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import socket
import threading
import time
from contextlib import suppress
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from counter_app.config import CENTRAL_TIMEOUT_ENV, central_timeout_s

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 15_000
#: With no timeout set, one sync attempt (a push of a large backlog included) ends after this long.
ATTEMPT_S = 60.0
TIMEOUT_ENV = CENTRAL_TIMEOUT_ENV
#: The client gives up this long (at most a third more) after the server-side statement_timeout, which fires first
#: on a live server and says more.
ANSWER_MARGIN_S = 5.0


def central_timeout_ms() -> int:
    """The statement, lock and TCP timeout in ms: ``COUNTER_CENTRAL_TIMEOUT_S`` if set, else 15 s."""
    seconds = central_timeout_s()
    return int(seconds * 1000) if seconds is not None else STATEMENT_TIMEOUT_MS


def attempt_seconds() -> float:
    """How long one sync attempt may take in all."""
    seconds = central_timeout_s()
    return seconds if seconds is not None else ATTEMPT_S


def safe_url(url: str | URL) -> str:
    """The URL with any password hidden: the only form that may reach a log or the screen."""
    return make_url(url).render_as_string(hide_password=True)


def build_engine(url: str, *, password: str | None = None, tls: dict[str, str] | None = None,
                 connect_timeout: int = CONNECT_TIMEOUT_S) -> Engine:
    """An engine that never hangs: connect, statement and TCP timeouts set per dialect; TLS options passed on.

    MariaDB/MySQL sessions are made as strict as PostgreSQL: full Unicode (utf8mb4) and STRICT_ALL_TABLES, so a
    value too long for its column is refused rather than cut.
    """
    parsed = make_url(url)
    if password:
        parsed = parsed.set(password=password)
    backend = parsed.get_backend_name()
    timeout_ms = central_timeout_ms()
    connect_timeout = max(2, min(connect_timeout, math.ceil(timeout_ms / 1000)))
    args: dict[str, Any] = {}
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_recycle": 300}
    if backend == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        args = {
            "connect_timeout": connect_timeout,
            "options": f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms} "
                       f"-c idle_in_transaction_session_timeout={max(timeout_ms, 5_000)}",
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
            "tcp_user_timeout": timeout_ms,
            "application_name": "counter-sync",
        }
        args.update(tls or {})
    elif backend in ("mysql", "mariadb"):
        if parsed.get_driver_name() in ("", "mysqldb"):
            parsed = parsed.set(drivername=f"{backend}+pymysql")
        args = {"connect_timeout": connect_timeout, "read_timeout": max(1, timeout_ms // 1000),
                "write_timeout": max(1, timeout_ms // 1000), "charset": "utf8mb4",
                "init_command": "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                                "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'"}
        if tls:
            args["ssl"] = {"ca": tls.get("sslrootcert"), "check_hostname": tls.get("sslmode") == "verify-full"}
    elif backend == "sqlite":
        args = {"timeout": 15}
        options = {}
    engine = create_engine(parsed, connect_args=args, **options)
    if engine.dialect.driver == "psycopg":
        _give_up_after(engine, timeout_ms / 1000 + min(ANSWER_MARGIN_S, timeout_ms / 3000))
    return engine


class Deadline:
    """The end of one sync attempt, shared by every wait of that attempt (None: no attempt under way)."""

    def __init__(self) -> None:
        self._ends: float | None = None
        self.seconds = 0.0

    def start(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds

    def stop(self) -> None:
        self._ends = None

    def remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()


def arm_deadline(dbapi_connection: Any, deadline: Deadline) -> None:
    """Let a psycopg connection's waits end with the attempt (see ``AnsweringConnection.wait``)."""
    with suppress(AttributeError, TypeError):
        dbapi_connection.deadline = deadline


def _give_up_after(engine: Engine, seconds: float) -> None:
    """Bound every wait for an answer from PostgreSQL: psycopg alone waits on the socket for ever.

    tcp_user_timeout and keepalives catch a peer whose TCP stack went silent, not one that acknowledges the bytes
    and never answers (a hung server, a proxy or firewall holding the connection): the sync thread would hang and
    the status bar never say offline. Past ``seconds`` (or the attempt's deadline, if sooner) the socket is shut
    down; psycopg reports a broken connection, SQLAlchemy discards it and the caller gets
    ``CentralUnavailableError``.
    """
    connection_class = _answering_connection_class()

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: Any, cparams: Any) -> Any:
        connection = connection_class.connect(*cargs, **cparams)
        connection.answer_timeout_s = seconds
        return connection


@functools.cache
def _answering_connection_class() -> Any:
    import psycopg

    class AnsweringConnection(psycopg.Connection[Any]):
        """Every wait (statement, COPY, commit, ping) armed on the watchdog, which shuts the socket down if the
        answer has not come when the deadline passes."""

        answer_timeout_s: float = STATEMENT_TIMEOUT_MS / 1000 + ANSWER_MARGIN_S
        deadline: Deadline | None = None

        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                fd = self.pgconn.socket
            except psycopg.Error:  # already closed: nothing to wait on, let psycopg say so
                return super().wait(gen, *args, **kwargs)
            seconds = self.answer_timeout_s
            left = self.deadline.remaining() if self.deadline is not None else None
            if left is not None:
                seconds = max(0.05, min(seconds, left))
            token = _WATCHDOG.arm(fd, seconds)
            try:
                return super().wait(gen, *args, **kwargs)
            finally:
                _WATCHDOG.disarm(token)

    return AnsweringConnection


class _Watchdog:
    """One thread for every connection: arming costs a dict entry (not a thread: COPY waits hundreds of times)."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._armed: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket fd)
        self._tokens = itertools.count()
        self._wakes_at = math.inf
        self._thread: threading.Thread | None = None

    def arm(self, fd: int, seconds: float) -> int:
        token = next(self._tokens)
        deadline = time.monotonic() + seconds
        with self._lock:
            self._armed[token] = (deadline, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="central-watchdog", daemon=True)
                self._thread.start()
            if deadline < self._wakes_at:
                self._lock.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._lock:
            self._armed.pop(token, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for token, (deadline, fd) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[token]
                        _shut_down(fd)
                self._wakes_at = min((deadline for deadline, _ in self._armed.values()), default=math.inf)
                self._lock.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


_WATCHDOG = _Watchdog()


def _shut_down(fd: int) -> None:
    """Wake a thread blocked on this socket with end-of-file (on a duplicate: psycopg still owns the original)."""
    with suppress(OSError):
        duplicate = socket.socket(fileno=os.dup(fd))
        try:
            duplicate.shutdown(socket.SHUT_RDWR)
        finally:
            duplicate.close()
