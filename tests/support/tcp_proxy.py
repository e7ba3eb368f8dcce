"""A small TCP proxy of our own between the counter and its central database, to inject network faults.

Why our own: the fault tests must cut a connection in the middle of a batch, lose the reply to a COMMIT the server
already applied, black-hole the network and hold a batch mid-flight while the backend is killed; an off-the-shelf
proxy (toxiproxy, ...) would be one more service to install on every CI machine, and none loses a reply on cue.

One daemon thread runs every connection with ``select``. All socket work happens on that thread; the public
methods hand it a command and wait for it, so when ``set_mode(Mode.CUT)`` returns the connections are gone.
It only proxies to 127.0.0.1, listens on 127.0.0.1 on an ephemeral port, holds at most
``MAX_CONNECTIONS`` connections and ``BUFFER_CAP`` bytes per direction, and stops by itself after
``max_lifetime_s`` in case a test forgets to stop it.

Modes (``set_mode``):

* ``PASS``: forward both ways.
* ``CUT``: reset (RST, ``SO_LINGER`` 0) both sides of every connection now, and every new one as it arrives.
* ``BLACKHOLE``: accept and keep connections, forward nothing either way, never answer. Bytes are held, not lost:
  if ``PASS`` comes back while a connection is still open, they go on in order, as TCP would deliver them.
* ``DROP_REPLY``: forward client->server, read and discard everything the server sends back.

Armed once (each fires one time, then disarms; ``triggered`` is set when it fires):

* ``cut_after_bytes(n)``: after ``n`` more client->server bytes, forward exactly those and reset every connection.
* ``drop_replies_after(b"COMMIT")``: once a client sends bytes containing the pattern, forward them but discard the
  server's replies on that connection, then reset it after ``cut_after_s`` ("the COMMIT reached the server, its
  reply was lost").
* ``pause_after_bytes(n)``: after ``n`` more client->server bytes stop forwarding client->server (server->client
  still flows) until ``resume()``; ``paused`` is set when it stops. For "kill the backend while the batch is in
  flight" without racing the clock.
"""

from __future__ import annotations

import contextlib
import enum
import queue
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy.engine import make_url

LOOPBACK = frozenset({"127.0.0.1", "localhost"})  # both mean 127.0.0.1 here: nothing else is ever proxied
CHUNK = 64 * 1024
BUFFER_CAP = 4 * 1024 * 1024
MAX_CONNECTIONS = 64
MAX_LIFETIME_S = 600.0
COMMAND_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 2.0
TICK_S = 0.02


class Mode(enum.Enum):
    PASS = "pass"
    CUT = "cut"
    BLACKHOLE = "blackhole"
    DROP_REPLY = "drop_reply"


@dataclass(eq=False)
class _Pair:
    """One proxied connection: the client's socket, the server's (None until connected) and what is in transit."""

    client: socket.socket
    server: socket.socket | None = None
    up: bytearray = field(default_factory=bytearray)  # client -> server, not yet written
    down: bytearray = field(default_factory=bytearray)  # server -> client, not yet written
    up_allowed: int | None = None  # while paused: how many bytes at the head of ``up`` may still go
    client_eof: bool = False
    server_eof: bool = False
    drop_down: bool = False  # a lost reply: discard whatever the server sends from now on
    cut_at: float | None = None  # reset this connection at this monotonic time
    tail: bytes = b""  # the last client bytes, so a pattern split across two reads is still seen
    held: list[tuple[float, bytes]] = field(default_factory=list)  # server bytes held back until a time


def _reset(sock: socket.socket | None) -> None:
    """Close with RST, not FIN: the peer sees "connection reset", as when a router or firewall drops it."""
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _nodelay(sock: socket.socket) -> None:
    """No Nagle delay: the database protocols are request/response; 40 ms stalls would distort the tests."""
    sock.setblocking(False)
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class TcpProxy:
    """Forward 127.0.0.1:<port> to a server on 127.0.0.1, with switchable faults (see the module docstring)."""

    def __init__(self, target_host: str, target_port: int, *, max_lifetime_s: float = MAX_LIFETIME_S) -> None:
        if target_host not in LOOPBACK:
            raise ValueError(f"the test proxy only forwards to 127.0.0.1, not to {target_host!r}")
        self.target = ("127.0.0.1", int(target_port))
        self.max_lifetime_s = max_lifetime_s
        self.mode = Mode.PASS
        self.triggered = threading.Event()
        self.paused = threading.Event()
        self.bytes_up = 0
        self.bytes_down = 0
        self.bytes_dropped = 0
        self.connections_accepted = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._commands: queue.SimpleQueue[tuple[Callable[[], None], threading.Event]] = queue.SimpleQueue()
        self._pairs: list[_Pair] = []
        self._cut_after: tuple[int, Mode] | None = None  # (bytes still to forward, mode afterwards)
        self._drop_after: tuple[bytes, float, Mode] | None = None  # (pattern, delay before the cut, mode after)
        self._mode_after_drop: Mode | None = None
        self._pause_after: int | None = None
        self._paused = False
        self._reply_delay = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"tcp-proxy-{self.port}", daemon=True)

    # -- life cycle -----------------------------------------------------------------------------------------
    @classmethod
    def for_url(cls, url: str, **kwargs: float) -> TcpProxy:
        """A proxy in front of the server a SQLAlchemy URL points at (not started)."""
        parsed = make_url(url)
        default_port = 5432 if parsed.get_backend_name() == "postgresql" else 3306
        return cls(parsed.host or "127.0.0.1", parsed.port or default_port, **kwargs)

    def url_through(self, url: str) -> str:
        """The same URL, but connecting through this proxy."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def start(self) -> TcpProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Reset every connection and stop the thread; safe to call twice."""
        self._stop.set()
        self._wake()
        if self._thread.is_alive():
            self._thread.join(COMMAND_TIMEOUT_S)
        elif self._thread.ident is None:  # never started: the thread's cleanup never ran
            for sock in (self._listener, self._wake_r, self._wake_w):
                sock.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def open_connections(self) -> int:
        return len(self._pairs)

    # -- faults ---------------------------------------------------------------------------------------------
    def set_mode(self, mode: Mode) -> None:
        """Switch mode; ``CUT`` has reset every connection by the time this returns."""

        def apply() -> None:
            self.mode = mode
            if mode is Mode.CUT:
                self._reset_all()

        self._call(apply)

    def pass_through(self) -> None:
        self.set_mode(Mode.PASS)

    def cut(self) -> None:
        self.set_mode(Mode.CUT)

    def blackhole(self) -> None:
        self.set_mode(Mode.BLACKHOLE)

    def cut_after_bytes(self, n: int, then: Mode = Mode.CUT) -> threading.Event:
        """After ``n`` more client->server bytes, reset every connection and switch to ``then``."""
        if n <= 0:
            raise ValueError("n must be positive")

        def arm() -> None:
            self.triggered.clear()
            self._cut_after = (n, then)

        self._call(arm)
        return self.triggered

    def drop_replies_after(self, pattern: bytes = b"COMMIT", cut_after_s: float = 0.3,
                           then: Mode = Mode.PASS) -> threading.Event:
        """Lose the server's answer to the first client message holding ``pattern``, then reset that connection."""
        if not pattern:
            raise ValueError("pattern must not be empty")

        def arm() -> None:
            self.triggered.clear()
            self._drop_after = (pattern, cut_after_s, then)

        self._call(arm)
        return self.triggered

    def pause_after_bytes(self, n: int) -> threading.Event:
        """After ``n`` more client->server bytes hold the rest (until ``resume``); returns the ``paused`` event."""
        if n <= 0:
            raise ValueError("n must be positive")

        def arm() -> None:
            self.paused.clear()
            self._pause_after = n

        self._call(arm)
        return self.paused

    def resume(self) -> None:
        def apply() -> None:
            self._paused = False
            self._pause_after = None
            for pair in self._pairs:
                pair.up_allowed = None
            self.paused.clear()

        self._call(apply)

    def delay_replies(self, seconds: float) -> None:
        """Hold every chunk the server sends for ``seconds`` before it goes on (a slow, answering centre)."""

        def apply() -> None:
            self._reply_delay = seconds

        self._call(apply)

    def disarm(self) -> None:
        """Forget every armed trigger that has not fired yet."""

        def apply() -> None:
            self._cut_after = self._drop_after = None
            self._pause_after = None

        self._call(apply)

    # -- the proxy thread -----------------------------------------------------------------------------------
    def _call(self, fn: Callable[[], None]) -> None:
        if not self._thread.is_alive():
            raise RuntimeError("the proxy is not running")
        done = threading.Event()
        self._commands.put((fn, done))
        self._wake()
        if not done.wait(COMMAND_TIMEOUT_S):
            raise TimeoutError("the proxy thread did not answer")

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _run(self) -> None:
        ends = time.monotonic() + self.max_lifetime_s
        try:
            while not self._stop.is_set() and time.monotonic() < ends:
                self._run_commands()
                self._run_timers()
                self._connect_waiting()
                readers, writers = self._interest()
                try:
                    readable, writable, _ = select.select(readers, writers, [], TICK_S)
                except (OSError, ValueError):
                    self._forget_closed()
                    continue
                for sock in readable:
                    self._on_readable(sock)
                for sock in writable:
                    self._on_writable(sock)
                self._close_finished()
        finally:
            self._reset_all()
            self._listener.close()
            self._wake_r.close()
            self._wake_w.close()
            while not self._commands.empty():  # nobody waits forever on a stopped proxy
                self._commands.get_nowait()[1].set()

    def _run_commands(self) -> None:
        while not self._commands.empty():
            fn, done = self._commands.get_nowait()
            try:
                fn()
            finally:
                done.set()

    def _run_timers(self) -> None:
        now = time.monotonic()
        for pair in self._pairs:
            while pair.held and pair.held[0][0] <= now:
                pair.down += pair.held.pop(0)[1]
        for pair in [p for p in self._pairs if p.cut_at is not None and p.cut_at <= now]:
            self._reset_pair(pair)
            if self._mode_after_drop is not None:
                self.mode, self._mode_after_drop = self._mode_after_drop, None

    def _connect_waiting(self) -> None:
        if self.mode not in (Mode.PASS, Mode.DROP_REPLY):
            return
        for pair in [p for p in self._pairs if p.server is None]:
            if pair.client_eof and not pair.up:
                continue  # gone before we ever reached the server: _close_finished drops it
            try:
                server = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_S)
            except OSError:
                self._reset_pair(pair)
                continue
            _nodelay(server)
            pair.server = server

    def _interest(self) -> tuple[list[socket.socket], list[socket.socket]]:
        readers: list[socket.socket] = [self._listener, self._wake_r]
        writers: list[socket.socket] = []
        forward_up = self.mode in (Mode.PASS, Mode.DROP_REPLY)
        for pair in self._pairs:
            if not pair.client_eof and len(pair.up) < BUFFER_CAP:
                readers.append(pair.client)
            if pair.server is not None:
                if not pair.server_eof and len(pair.down) < BUFFER_CAP:
                    readers.append(pair.server)
                if forward_up and pair.up and (pair.up_allowed is None or pair.up_allowed > 0):
                    writers.append(pair.server)
            if self.mode is Mode.PASS and pair.down:
                writers.append(pair.client)
        return readers, writers

    def _owner(self, sock: socket.socket) -> tuple[_Pair, bool] | None:
        for pair in self._pairs:
            if sock is pair.client:
                return pair, True
            if sock is pair.server:
                return pair, False
        return None

    def _on_readable(self, sock: socket.socket) -> None:
        if sock is self._listener:
            self._accept()
            return
        if sock is self._wake_r:
            try:
                while self._wake_r.recv(4096):
                    pass
            except OSError:
                pass
            return
        owner = self._owner(sock)
        if owner is None:
            return
        pair, from_client = owner
        try:
            data = sock.recv(CHUNK)
        except BlockingIOError:
            return
        except OSError:
            self._reset_pair(pair)  # reset by the peer: pass the reset on
            return
        if not data:
            if from_client:
                pair.client_eof = True
            else:
                pair.server_eof = True
            return
        if from_client:
            self._from_client(pair, data)
        else:
            self._from_server(pair, data)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, OSError):
                return
            self.connections_accepted += 1
            if self.mode is Mode.CUT or len(self._pairs) >= MAX_CONNECTIONS:
                _reset(client)
                continue
            _nodelay(client)
            self._pairs.append(_Pair(client))

    def _from_client(self, pair: _Pair, data: bytes) -> None:
        self.bytes_up += len(data)
        if self._drop_after is not None:
            pattern, delay, then = self._drop_after
            if pattern in pair.tail + data:
                self._drop_after = None
                pair.drop_down = True
                pair.cut_at = time.monotonic() + delay
                self._mode_after_drop = then
                self.triggered.set()
            pair.tail = (pair.tail + data)[-(len(pattern) - 1):] if len(pattern) > 1 else b""
        if self._cut_after is not None:
            remaining, then = self._cut_after
            if len(data) >= remaining:
                self._cut_after = None
                pair.up += data[:remaining]
                self._flush_up(pair)
                self.mode = then
                self._reset_all()
                self.triggered.set()
                return
            self._cut_after = (remaining - len(data), then)
        if self._pause_after is not None:
            if len(data) >= self._pause_after:
                head = self._pause_after
                self._pause_after = None
                self._paused = True
                for other in self._pairs:
                    other.up_allowed = len(other.up)
                pair.up_allowed = len(pair.up) + head
                self.paused.set()
            else:
                self._pause_after -= len(data)
        pair.up += data

    def _from_server(self, pair: _Pair, data: bytes) -> None:
        self.bytes_down += len(data)
        if self.mode is Mode.DROP_REPLY or pair.drop_down:
            self.bytes_dropped += len(data)
            return
        if self._reply_delay or pair.held:
            pair.held.append((time.monotonic() + self._reply_delay, data))
            return
        pair.down += data

    def _on_writable(self, sock: socket.socket) -> None:
        owner = self._owner(sock)
        if owner is None:
            return
        pair, to_client = owner
        if to_client:
            try:
                sent = sock.send(pair.down)
            except BlockingIOError:
                return
            except OSError:
                self._reset_pair(pair)
                return
            del pair.down[:sent]
        else:
            self._flush_up(pair)

    def _flush_up(self, pair: _Pair) -> None:
        if pair.server is None or not pair.up:
            return
        limit = len(pair.up) if pair.up_allowed is None else min(len(pair.up), pair.up_allowed)
        if limit <= 0:
            return
        try:
            sent = pair.server.send(pair.up[:limit])
        except BlockingIOError:
            return
        except OSError:
            self._reset_pair(pair)
            return
        del pair.up[:sent]
        if pair.up_allowed is not None:
            pair.up_allowed -= sent

    def _close_finished(self) -> None:
        """A side that hung up: deliver what it sent before, then close the other side too (gracefully)."""
        if self.mode is Mode.BLACKHOLE:
            return
        for pair in list(self._pairs):
            client_done = pair.client_eof and (not pair.up or pair.server is None)
            server_done = pair.server_eof and (not pair.down or pair.drop_down or self.mode is Mode.DROP_REPLY)
            if client_done or server_done:
                self._drop(pair, graceful=True)

    def _forget_closed(self) -> None:
        for pair in list(self._pairs):
            if pair.client.fileno() < 0 or (pair.server is not None and pair.server.fileno() < 0):
                self._reset_pair(pair)

    def _reset_pair(self, pair: _Pair) -> None:
        self._drop(pair, graceful=False)

    def _reset_all(self) -> None:
        for pair in list(self._pairs):
            self._reset_pair(pair)

    def _drop(self, pair: _Pair, *, graceful: bool) -> None:
        if pair in self._pairs:
            self._pairs.remove(pair)
        for sock in (pair.client, pair.server):
            if sock is None:
                continue
            if graceful:
                sock.close()
            else:
                _reset(sock)
