"""Screenshots of the counter, driven by the keyboard on a temporary demo store, at 1366x768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUT_DIR]

Writes login, drawer, payment, tender, receipt, transactions and shortcuts PNGs into docs/screenshots (or OUT_DIR).
The clock is fixed (a Wednesday morning) so the pictures are the same from run to run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counter_app.app import build_counter  # noqa: E402
from counter_app.clock import FixedClock  # noqa: E402
from counter_app.config import Settings  # noqa: E402
from counter_app.services.container import Counter  # noqa: E402
from counter_app.ui.main_window import MainWindow  # noqa: E402
from counter_app.ui.prompts import Prompts  # noqa: E402
from counter_app.ui.theme import apply_theme  # noqa: E402

SIZE = (1366, 768)
MORNING = datetime(2026, 11, 25, 10, 42)


class ScriptPrompts(Prompts):
    def confirm(self, parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
        return True


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()


def target(window: QWidget) -> QWidget:
    modal = QApplication.activeModalWidget()
    focus = QApplication.focusWidget()
    if modal is not None and (focus is None or not modal.isAncestorOf(focus)):
        return modal
    return focus or window


def key(window: QWidget, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(target(window), k, modifier)
    QApplication.processEvents()


def type_text(window: QWidget, text: str) -> None:
    QTest.keyClicks(target(window), text)
    QApplication.processEvents()


def enter(window: QWidget) -> None:
    key(window, Qt.Key.Key_Return)


def save(window: QWidget, out: Path, name: str) -> None:
    QApplication.processEvents()
    window.repaint()
    path = out / f"{name}.png"
    window.grab().save(str(path))
    print(path)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="counter-shots-"))
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    clock = FixedClock(MORNING)

    def build(settings: Settings) -> Counter:
        return build_counter(settings, clock=clock)

    w = MainWindow(Settings(data_dir=data, workstation="CH1-02", demo=True), build, ScriptPrompts())
    w.resize(*SIZE)
    w.show()
    w.activateWindow()
    failures: list[str] = []
    w.session.start_failed.connect(failures.append)
    w.start()
    wait_for(lambda: w.ready or bool(failures), timeout=30)
    if failures:
        print(f"The counter did not open: {failures[0]}", file=sys.stderr)
        return 1
    assert w.payment_vm is not None and w.tx_vm is not None
    vm = w.payment_vm

    type_text(w, "1001")
    save(w, out, "login")
    enter(w)
    type_text(w, "1111")
    enter(w)
    wait_for(lambda: w.current == "payment")

    # no drawer open yet: count the float (ten $20, five $10, four $5 notes, two rolls of loonies: $320)
    wait_for(lambda: QApplication.activeModalWidget() is not None)
    drawer = QApplication.activeModalWidget()
    assert drawer is not None
    wait_for(drawer.isActiveWindow)
    type_text(w, "10")  # $20 notes
    enter(w)
    type_text(w, "5")  # $10 notes
    enter(w)
    type_text(w, "4")  # $5 notes
    for _ in range(7):  # on through the coins and the $2 rolls
        enter(w)
    type_text(w, "2")  # $1 rolls
    save(drawer, out, "drawer")
    key(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: QApplication.activeModalWidget() is None and not w.runner.busy())
    w.activateWindow()
    wait_for(w.isActiveWindow)

    # a morning's first few residents, so today's list has something in it
    key(w, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)  # transit adult monthly pass
    key(w, Qt.Key.Key_F10)
    wait_for(lambda: w.current == "tender")
    enter(w)  # exact cash
    wait_for(lambda: w.current == "receipt")
    enter(w)
    type_text(w, "4312000000008")  # a property tax roll, by scanner
    enter(w)
    wait_for(lambda: len(vm.sale.lines) == 1)
    key(w, Qt.Key.Key_F10)
    wait_for(lambda: w.current == "tender")
    key(w, Qt.Key.Key_F6)
    enter(w)
    type_text(w, "7310")
    enter(w)
    type_text(w, "Q7K2M9")
    enter(w)
    wait_for(lambda: w.current == "receipt")
    enter(w)
    key(w, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)  # waste cart exchange, then voided
    key(w, Qt.Key.Key_F10)
    wait_for(lambda: w.current == "tender")
    type_text(w, "100")
    enter(w)
    wait_for(lambda: w.current == "receipt")
    enter(w)
    key(w, Qt.Key.Key_F4)
    wait_for(lambda: w.transactions is not None and w.transactions.model.rowCount() == 3)
    key(w, Qt.Key.Key_V)
    wait_for(lambda: QApplication.activeModalWidget() is not None)
    type_text(w, "Resident changed their mind")
    enter(w)
    type_text(w, "2001")
    enter(w)
    type_text(w, "999901")
    enter(w)
    wait_for(lambda: QApplication.activeModalWidget() is None and not w.runner.busy())
    w.activateWindow()
    key(w, Qt.Key.Key_Escape)
    wait_for(lambda: w.current == "payment")

    # payment: a scanned utility bill and a dog licence by quick key
    type_text(w, "1000372")
    enter(w)
    wait_for(lambda: len(vm.sale.lines) == 1)
    key(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    type_text(w, "dog")
    save(w, out, "payment")

    # tender: $100 on debit, cash for the rest (rounds by a cent), $140 handed over
    key(w, Qt.Key.Key_F10)
    wait_for(lambda: w.current == "tender")
    key(w, Qt.Key.Key_F6)
    type_text(w, "100")
    enter(w)
    type_text(w, "4821")
    enter(w)
    type_text(w, "A1B2C3")
    enter(w)
    wait_for(lambda: len(vm.sale.tenders) == 1)
    type_text(w, "140")
    save(w, out, "tender")

    enter(w)
    wait_for(lambda: w.current == "receipt")
    wait_for(lambda: w.receipt is not None and w.receipt.page_size_pt is not None and not w.runner.busy())
    save(w, out, "receipt")

    enter(w)
    key(w, Qt.Key.Key_F4)
    wait_for(lambda: w.transactions is not None and w.transactions.model.rowCount() == 4)
    save(w, out, "transactions")

    key(w, Qt.Key.Key_F2)
    key(w, Qt.Key.Key_F1)
    wait_for(lambda: w.overlay.isVisible())
    save(w, out, "shortcuts")
    key(w, Qt.Key.Key_F1)

    w.shutdown()
    w.close()
    return 0




# --- questions, referrals, dashboard (appended; run on its own) ----------------------------------------------------


def questions_screenshots(out_dir: str | None = None) -> int:
    """questions.png, referral.png, referral-sent.png, slip.png, dashboard.png, referrals.png, directory.png.

        QT_QPA_PLATFORM=offscreen .venv/bin/python -c \\
            'import runpy; runpy.run_path("scripts/screenshots.py", run_name="shots")["questions_screenshots"]()'

    A morning of the counter is simulated first (payments, questions, referrals through the real services), then a
    cashier answers a question, refers the resident to a specialist and looks at the day, by keyboard only.
    """
    import subprocess

    from counter_app.simulation import DaySimulator, SqlBillIssuer

    out = Path(out_dir) if out_dir else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="counter-shots-q-"))
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    clock = FixedClock(datetime(2026, 11, 25, 8, 30))
    counter = build_counter(Settings(data_dir=data, workstation="CH1-02", demo=True), clock=clock)
    issuer = SqlBillIssuer(counter.settings.db_path)
    DaySimulator(counter, clock, issuer, seed=7).run(30)
    issuer.close()
    clock.advance(minutes=20)
    saved: list[Path] = []

    class Saving(ScriptPrompts):
        def save_path(self, parent: QWidget, suggested: str) -> str | None:
            saved.append(data / suggested)
            return str(saved[-1])

    w = MainWindow(counter.settings, lambda _settings: counter, Saving())
    w.resize(*SIZE)
    w.show()
    w.activateWindow()
    w.start()
    wait_for(lambda: w.ready, timeout=30)
    type_text(w, "1001")
    enter(w)
    type_text(w, "1111")
    enter(w)
    wait_for(lambda: w.current == "payment" and not w.runner.busy())
    feature = w.features
    assert feature is not None

    # a question, typed as the resident asks it
    key(w, Qt.Key.Key_F6)
    wait_for(lambda: w.current == "questions")
    type_text(w, "dispute my water bil")
    screen = w.screens["questions"]
    wait_for(lambda: screen.vm.settled and screen.hits.rowCount() > 0)  # type: ignore[attr-defined]
    save(w, out, "questions")

    # refer to the article's specialist: a walk-in with the resident's consent
    key(w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: w.current == "referral")
    for _ in range(4):  # reason -> address -> account -> receipt -> consent (no callback window for a walk-in)
        enter(w)
    key(w, Qt.Key.Key_Space)  # consent
    enter(w)
    type_text(w, "Maria")
    enter(w)
    type_text(w, "Okafor")
    enter(w)
    type_text(w, "403-555-0142")
    save(w, out, "referral")
    key(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    referral = w.screens["referral"]
    wait_for(lambda: referral.slip is not None and not w.runner.busy())  # type: ignore[attr-defined]
    save(w, out, "referral-sent")
    key(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: bool(saved) and saved[-1].exists() and not w.runner.busy())
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(saved[-1]), str(out / "slip")], check=True)
    print(out / "slip.png")
    key(w, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: not w.runner.busy())
    enter(w)

    key(w, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: w.current == "dashboard")
    dashboard = w.screens["dashboard"]
    wait_for(lambda: dashboard.model.rowCount() > 0 and not w.runner.busy())  # type: ignore[attr-defined]
    save(w, out, "dashboard")

    key(w, Qt.Key.Key_F8, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: w.current == "referrals")
    wait_for(lambda: not w.runner.busy())
    enter(w)
    wait_for(lambda: not w.runner.busy())
    save(w, out, "referrals")

    key(w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: w.current == "directory" and not w.runner.busy())
    save(w, out, "directory")

    w.shutdown()
    w.close()
    return 0


def shoot_sync_and_security(out_dir: str | None = None) -> int:
    """Sync log, lock overlay, staff and fee schedule administration, audit viewer (sync and security features).

        QT_QPA_PLATFORM=offscreen .venv/bin/python -c \\
            "from scripts.screenshots import shoot_sync_and_security as s; raise SystemExit(s())" [OUT_DIR]

    A demo store with a central database of its own (a SQLite file beside it): the first sync fails (the centre is
    not set up yet), the next ones go through, and one record is changed by hand so the centre refuses it.
    """
    import contextlib
    import json
    import sqlite3
    from contextlib import closing

    from counter_app.sync.central_store import CentralStore, build_engine
    from counter_app.ui.security_feature import LockController
    from counter_app.ui.sync_feature import AUTOSTART_ENV, SyncController

    os.environ[AUTOSTART_ENV] = "0"
    out = Path(out_dir or (sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="counter-shots-sec-"))
    central_url = f"sqlite:///{data / 'central.sqlite3'}"
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    clock = FixedClock(MORNING)

    def build(settings: Settings) -> Counter:
        return build_counter(settings, clock=clock)

    settings = Settings(data_dir=data, workstation="CH1-02", demo=True, central_url=central_url)
    w = MainWindow(settings, build, ScriptPrompts())
    w.resize(*SIZE)
    w.show()
    w.activateWindow()
    w.start()
    wait_for(lambda: w.ready, timeout=30)
    counter = w.counter
    assert counter is not None and w.payment_vm is not None
    for staff_no, pin in (("1001", "1111"), ("2001", "999901"), ("9001", "777703")):
        counter.drawers.open(counter.auth.login(staff_no, pin), {"n20": "10"})
    type_text(w, "2001")
    enter(w)
    type_text(w, "999901")
    enter(w)
    wait_for(lambda: w.current == "payment" and not w.runner.busy())
    sync = w.findChild(SyncController, "syncFeature")
    lock = w.findChild(LockController, "lockFeature")
    assert isinstance(sync, SyncController) and isinstance(lock, LockController)

    def sync_now(expect: Callable[[str], bool]) -> None:
        key(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        wait_for(lambda: expect(w.sync_label.text()), timeout=30)

    def take_payment(quick: Qt.Key) -> None:
        key(w, quick, Qt.KeyboardModifier.ControlModifier)
        key(w, Qt.Key.Key_F10)
        wait_for(lambda: w.current == "tender")
        enter(w)
        wait_for(lambda: w.current == "receipt" and not w.runner.busy())
        enter(w)

    take_payment(Qt.Key.Key_6)
    sync_now(lambda text: text.startswith("Sync error"))  # the centre has no schema yet: it refuses, says why
    store = CentralStore(build_engine(central_url))
    store.init()
    store.engine.dispose()
    sync_now(lambda text: text == "Online · all records sent")
    take_payment(Qt.Key.Key_3)
    sync_now(lambda text: text == "Online · all records sent")
    with closing(sqlite3.connect(settings.db_path)) as conn, conn:  # the same id sent again, changed
        seq, payload = conn.execute("select seq, payload from outbox where record_type = 'transaction' "
                                    "order by seq limit 1").fetchone()
        changed = json.loads(payload)
        changed["total_cents"] = changed.get("total_cents", 0) + 100
        conn.execute("update outbox set status = 'pending', payload = ? where seq = ?", (json.dumps(changed), seq))
    take_payment(Qt.Key.Key_8)
    sync_now(lambda text: "refused" in text)
    key(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for(lambda: w.current == "sync_log" and sync.screen.model.rowCount() >= 4
             and sync.screen.conflicts_model.rowCount() == 1 and not w.runner.busy())
    save(w, out, "sync_log")

    # a sale in progress, then the lock (Ctrl+Alt+L); the administrator takes over with their own number and PIN
    key(w, Qt.Key.Key_F2)
    type_text(w, "1000372")
    enter(w)
    wait_for(lambda: len(w.payment_vm.sale.lines) == 1 if w.payment_vm else False)
    key(w, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: not w.runner.busy())
    key(w, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    wait_for(lambda: lock.locked)
    type_text(w, "12")
    save(w, out, "lock")
    lock.overlay.pin.clear()
    key(w, Qt.Key.Key_Tab)
    key(w, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    type_text(w, "9001")
    enter(w)
    type_text(w, "777703")
    enter(w)
    wait_for(lambda: not lock.locked and not w.runner.busy())

    key(w, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for(lambda: w.current == "admin_staff" and not w.runner.busy())
    for _ in range(5):  # Priya types a wrong PIN five times: locked out (the refusals are the point)
        with contextlib.suppress(Exception):
            counter.auth.login("1002", "0000")
    key(w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    wait_for(lambda: not w.runner.busy())
    key(w, Qt.Key.Key_N)
    type_text(w, "1003")
    enter(w)
    type_text(w, "Dana Whitford")
    enter(w)
    save(w, out, "admin_staff")
    key(w, Qt.Key.Key_Escape)

    key(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for(lambda: w.current == "admin_fees" and not w.runner.busy())
    for _ in range(3):
        key(w, Qt.Key.Key_Down)
    enter(w)
    save(w, out, "admin_fees")
    key(w, Qt.Key.Key_Escape)

    key(w, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_for(lambda: w.current == "audit" and not w.runner.busy())
    key(w, Qt.Key.Key_F9)
    wait_for(lambda: "intact" in w.screens["audit"].chain.text())  # type: ignore[attr-defined]
    save(w, out, "audit")

    sync.stop()
    if w.payment_vm is not None:
        w.payment_vm.sale.tenders.clear()
    w.shutdown()
    w.close()
    return 0


def end_of_day_screenshots(out_dir: str | None = None) -> int:
    """End of day at 1366x768: the X report, the blind close, the over/short approval, the Z report, the export
    and the printer settings (docs/screenshots/drawer_*.png, z_report.png, export.png, printer_settings.png).

        QT_QPA_PLATFORM=offscreen .venv/bin/python -c "import runpy; \\
            runpy.run_path('scripts/screenshots.py', run_name='eod')['end_of_day_screenshots']()"
    """
    from counter_app.drawer.session import MovementKind
    from counter_app.payments.catalog import TenderKind
    from counter_app.payments.sale import Sale, make_tender
    from counter_app.ui.end_of_day_feature import feature_of
    from counter_app.ui.eod_export import ExportDialog
    from counter_app.ui.printer_settings import PrinterSettingsDialog

    out = Path(out_dir) if out_dir else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="counter-eod-shots-"))
    exports = Path(tempfile.mkdtemp(prefix="counter-eod-exports-"))
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_theme(app)
    clock = FixedClock(datetime(2026, 11, 25, 8, 31))
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier

    def build(settings: Settings) -> Counter:
        return build_counter(settings, clock=clock)

    w = MainWindow(Settings(data_dir=data, workstation="CH1-02", demo=True, printer={"kind": "pdf"}), build,
                   ScriptPrompts())
    w.resize(*SIZE)
    w.show()
    w.activateWindow()
    w.start()
    wait_for(lambda: w.ready, timeout=30)

    def modal() -> QWidget:
        wait_for(lambda: QApplication.activeModalWidget() is not None)
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        wait_for(dialog.isActiveWindow)
        return dialog

    def back_to_window() -> None:
        wait_for(lambda: QApplication.activeModalWidget() is None and not w.runner.busy())
        w.activateWindow()
        wait_for(w.isActiveWindow)

    def sign(staff_no: str, pin: str) -> None:
        type_text(w, staff_no)
        enter(w)
        type_text(w, pin)
        enter(w)
        wait_for(lambda: w.current == "payment")

    sign("1001", "1111")
    modal()  # the float: ten $20, five $10, four $5 notes ($270)
    type_text(w, "10")
    enter(w)
    type_text(w, "5")
    enter(w)
    type_text(w, "4")
    key(w, Qt.Key.Key_Return, ctrl)
    back_to_window()
    feature = feature_of(w)
    assert feature is not None and w.counter is not None and w.staff is not None
    counter, alex = w.counter, w.staff

    # the morning: cash, debit and a cheque through the payment services, as the tender screen records them
    for code, kind, extra in (("TR-ADULT", TenderKind.CASH, 2_300), ("DOG-AC", TenderKind.DEBIT, 0),
                              ("TAXCERT", TenderKind.CHEQUE, 0), ("TR-10", TenderKind.CASH, 250),
                              ("CART", TenderKind.CREDIT, 0), ("TR-SENIOR", TenderKind.CASH, 0)):
        clock.advance(minutes=23)
        sale = Sale()
        counter.payments.add_line(sale, counter.payments.fixed_line(code))
        due = sale.settlement()
        if kind is TenderKind.CASH:
            sale.add_tender(make_tender(kind, due.balance_due_cash + extra))
        elif kind is TenderKind.CHEQUE:
            sale.add_tender(make_tender(kind, due.balance_due, number="004512"))
        else:
            sale.add_tender(make_tender(kind, due.balance_due, last4="4821", auth_code="A1B2C3"))
        counter.payments.complete(sale, alex)
    clock.advance(minutes=12)
    supervisor = counter.auth.approve("2001", "999901", alex, "approve_paid_out", object_ref="screenshots")
    counter.drawers.move_cash(alex, MovementKind.PAID_OUT, "12.50", "Postage for mailed receipts", supervisor)
    clock.advance(hours=5, minutes=40)  # 4:30, closing time

    key(w, Qt.Key.Key_F7, ctrl)
    wait_for(lambda: w.current == "drawer" and feature.vm.x_report is not None and not w.runner.busy())
    save(w, out, "drawer_x_report")

    # the blind count, $0.35 short: notes, coins and a roll; the batch totals; the cheque ticked
    key(w, Qt.Key.Key_C)
    wait_for(lambda: w.current == "drawer_close")
    for count in ("2", "1", "5", "2", "2", "1", "2", "2", "1", "1", "", "", "", "", ""):  # $384.65
        type_text(w, count)
        enter(w)
    type_text(w, "20.00")
    enter(w)
    type_text(w, "100.00")
    enter(w)
    key(w, Qt.Key.Key_Space)
    save(w, out, "drawer_close")
    key(w, Qt.Key.Key_Return, ctrl)
    dialog = modal()
    save(dialog, out, "drawer_close_approval")
    type_text(w, "Recounted twice with the supervisor")
    enter(w)
    type_text(w, "2001")
    enter(w)
    type_text(w, "999901")
    enter(w)
    wait_for(lambda: w.current == "z_report" and not w.runner.busy())
    w.activateWindow()
    save(w, out, "z_report")

    key(w, Qt.Key.Key_E)
    dialog = modal()
    assert isinstance(dialog, ExportDialog)
    wait_for(lambda: dialog.scope.count() > 0)
    dialog.folder.setFocus()
    dialog.folder.selectAll()
    type_text(w, str(exports))
    key(w, Qt.Key.Key_Return, ctrl)
    wait_for(lambda: dialog.files.count() > 0, timeout=30)
    save(dialog, out, "export")
    key(w, Qt.Key.Key_Escape)
    back_to_window()

    key(w, Qt.Key.Key_Q, ctrl)
    wait_for(lambda: w.current == "login")
    sign("2001", "999901")
    modal()
    key(w, Qt.Key.Key_Escape)  # a supervisor's own float: later
    back_to_window()
    key(w, Qt.Key.Key_P, ctrl | shift)
    dialog = modal()
    assert isinstance(dialog, PrinterSettingsDialog)
    for _ in range(2):
        key(w, Qt.Key.Key_Down)  # PDF -> system -> thermal on the network
    enter(w)
    type_text(w, "10.20.4.31")
    save(dialog, out, "printer_settings")
    key(w, Qt.Key.Key_Escape)
    back_to_window()
    w.shutdown()
    w.close()
    return 0


def all_screenshots() -> int:
    """Every screen: payment flow, questions and referrals, sync and security, end of day."""
    return max(main(), questions_screenshots(), shoot_sync_and_security(), end_of_day_screenshots())


if __name__ == "__main__":
    raise SystemExit(all_screenshots())
