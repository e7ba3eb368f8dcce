"""What the status bar says about sync: online or offline, records waiting, the last good sync, the last error.

``describe_sync`` is a plain function of a :class:`SyncStatus` (testable without a window); ``SyncBridge`` carries
statuses from the sender thread to the GUI thread through a queued signal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import QObject, Qt, Signal

from counter_app.services.records_identity import SeriesState
from counter_app.services.records_sync import SyncStatus


@dataclass(frozen=True, slots=True)
class SyncText:
    text: str  # the status bar label: "Offline · 12 waiting · last sync 10:42"
    tone: str  # the theme's colour: ok | pending | offline | conflict | unknown
    tooltip: str  # the details: central database, last success, last error


def when_text(at: datetime | None, tz: tzinfo | None, now: datetime | None = None) -> str:
    """"10:42" today, "Nov 24 16:30" another day, "never" when there has been no good sync."""
    if at is None:
        return "never"
    local = at.astimezone(tz)
    today = (now or datetime.now(local.tzinfo)).astimezone(tz).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%b %d %H:%M").replace(" 0", " ")


def waiting_text(pending: int) -> str:
    return f"{pending} waiting" if pending else "all records sent"


def describe_sync(status: SyncStatus, tz: tzinfo | None = None, now: datetime | None = None,
                  syncing: bool = False) -> SyncText:
    """The label, its tone and its tooltip for one status (``pending`` may be fresher than the status)."""
    last = when_text(status.last_success, tz, now)
    parts: list[str]
    if not status.configured:  # a real store with no central database: nothing leaves this PC
        return _not_configured(status)
    if syncing:
        parts = ["Syncing…", waiting_text(status.pending)]
        tone = "pending"
    elif status.online is None and status.last_error:  # the sender could not start (its lock, say)
        parts = ["Sync not running", waiting_text(status.pending)]
        tone = "offline"
    elif status.online is None:  # no sync run yet since the counter opened: what waits is all there is to say
        n = status.pending
        parts = [f"{n} record{'s' if n != 1 else ''} waiting to sync" if n else "All records synced"]
        tone = "pending" if n else "ok"
    elif status.online and status.last_error:  # the centre answered but the sync failed (e.g. a refusal)
        parts = ["Sync error", waiting_text(status.pending), f"last sync {last}"]
        tone = "offline"
    elif status.online:
        parts = ["Online", waiting_text(status.pending)]
        if status.pending:
            parts.append(f"last sync {last}")
        tone = "pending" if status.pending else "ok"
    else:
        parts = ["Offline", waiting_text(status.pending), f"last sync {last}"]
        tone = "offline"
    if status.refused:
        if parts[-1] == "all records sent":
            parts[-1] = "nothing waiting"
        parts.append(f"{status.refused} refused by the centre")
        tone = "conflict"
    state = SeriesState(status.series_state)
    if state.needs_centre:
        parts.append("numbers wait for the centre")
        tone = "conflict"
    tips = [f"Central 311 database: {status.central}",
            f"Last successful sync: {last if status.last_success is None else _full(status.last_success, tz)}",
            f"Records waiting: {status.pending} · sent: {status.sent}"]
    if status.refused:
        tips.append(f"{status.refused} record(s) refused by the centre ({status.conflicts} conflict(s), "
                    f"{status.quarantined} it could not store): a supervisor reviews them in the sync log "
                    "(Ctrl+Shift+L).")
    if state.needs_centre:
        tips.append(f"{state.explain('this workstation')} Payments wait until then; a supervisor can approve going "
                    "on without it (Ctrl+Shift+G).")
    if status.lacking:
        tips.append(f"After a restore from backup, the centre holds {status.lacking} record(s) this PC lost: "
                    "the sync log names the first; `counter-app sync refused --lost` lists them all.")
    if status.last_error:
        tips.append(f"Last error: {status.last_error}")
    if status.online is False:
        tips.append("The counter keeps working offline; records are sent when the network returns.")
    return SyncText(" · ".join(parts), tone, "\n".join(tips))


def _not_configured(status: SyncStatus) -> SyncText:
    n = status.pending
    text = "No central database configured" + (f" · {n} waiting here" if n else "")
    tip = ("This counter is not connected to the central 311 database: nothing is sent, nothing is lost (every "
           "record waits here). IT sets central_url in settings.json.")
    return SyncText(text, "offline", tip)


_SUMMARY = re.compile(r"pushed (\d+), already central (\d+), conflicts (\d+), (?:quarantined (\d+), )?"
                      r"pulled (\d+) reference change\(s\), (\d+) referral update\(s\), (\d+) waiting")


def run_message(message: str) -> str:
    """A sync run's message in a cashier's words: "Sent 12 · received 3 updates · 0 waiting"."""
    found = _SUMMARY.fullmatch(message.strip())
    if found is None:
        if message.startswith("CentralUnavailableError:"):
            return "Could not reach the central database (" + message.split(":", 1)[1].strip() + ")"
        return message
    pushed, again, refused, quarantined, pulled, referrals, waiting = (int(n or 0) for n in found.groups())
    parts = [f"sent {pushed} record{'s' if pushed != 1 else ''}"]
    if again:
        parts.append(f"{again} already there")
    if refused:
        parts.append(f"{refused} REFUSED by the centre")
    if quarantined:
        parts.append(f"{quarantined} SET ASIDE (the centre could not store them)")
    if pulled:
        parts.append(f"received {pulled} fee or reference update{'s' if pulled != 1 else ''}")
    if referrals:
        parts.append(f"{referrals} referral update{'s' if referrals != 1 else ''}")
    parts.append(f"{waiting} waiting" if waiting else "nothing waiting")
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _full(at: datetime, tz: tzinfo | None) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


class SyncBridge(QObject):
    """Emitted from the sender thread, delivered on the GUI thread (the bridge lives there)."""

    status_ready = Signal(object)  # SyncStatus

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def connect_status(self, slot: object) -> None:
        self.status_ready.connect(slot, Qt.ConnectionType.QueuedConnection)

    def publish(self, status: SyncStatus) -> None:
        """Called by the sender thread: never touches a widget."""
        self.status_ready.emit(status)
