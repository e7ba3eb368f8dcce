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
    type_text(w, "9999")
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


if __name__ == "__main__":
    raise SystemExit(main())
