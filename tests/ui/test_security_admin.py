"""Administrator screens (staff, fee schedule) and the audit viewer, by keyboard; who may open them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from counter_app.services.container import Counter
from counter_app.ui.admin_screens import FeeScheduleScreen, StaffAdminScreen
from counter_app.ui.audit_viewer import AuditScreen
from counter_app.ui.main_window import MainWindow
from counter_app.ui.sync_feature import AUTOSTART_ENV
from tests.conftest import FLOAT

from .helpers import WAIT_MS, Keyboard, sign_in

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def _no_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTOSTART_ENV, "0")


@pytest.fixture
def admin(qtbot: object, kb: Keyboard, window: MainWindow, counter: Counter) -> MainWindow:
    """Morgan Admin (9001) signed in, with a drawer open (no float dialog in the way)."""
    counter.drawers.open(counter.auth.login("9001", "777703"), FLOAT)
    sign_in(qtbot, kb, window, "9001", "777703")
    return window


def idle(qtbot: object, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_an_administrator_creates_a_staff_member_who_can_then_sign_in(
    qtbot: object, admin: MainWindow, kb: Keyboard
) -> None:
    kb.press(Qt.Key.Key_A, CTRL_SHIFT)
    assert admin.current == "admin_staff"
    screen = admin.screens["admin_staff"]
    assert isinstance(screen, StaffAdminScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 5, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert screen.view.hasFocus()
    kb.press(Qt.Key.Key_N)
    assert screen.panel.isVisible() and screen.staff_no.hasFocus()
    kb.type("1003")
    kb.enter()
    kb.type("Dana Whitford")
    kb.enter()
    assert screen.role.hasFocus() and screen.role.currentText() == "cashier"
    kb.enter()
    kb.type("1234")  # a running sequence is refused, next to the PIN
    kb.enter()
    idle(qtbot, admin)
    assert screen.errors["pin"].isVisible()
    assert screen.errors["pin"].text() == "Choose a PIN that is not a repeated or running sequence of digits."
    assert screen.pin.hasFocus() and screen.pin.text() == ""
    kb.type("4826")
    kb.enter()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 6, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert not screen.panel.isVisible()
    assert "Dana Whitford (1003) is a cashier and can sign in now" in screen.notice.text()
    row = next(r for r in screen.model.rows() if r.staff_no == "1003")
    assert row.role == "cashier" and row.active

    kb.press(Qt.Key.Key_Q, CTRL)  # sign out; the new cashier signs in
    assert admin.current == "login"
    sign_in(qtbot, kb, admin, "1003", "4826")
    assert admin.cashier_label.text() == "Dana Whitford · cashier"


def test_disable_reset_pin_and_unlock(qtbot: object, admin: MainWindow, kb: Keyboard, counter: Counter) -> None:
    for _ in range(5):  # Priya is locked out
        with pytest.raises(Exception, match="wrong"):
            counter.auth.login("1002", "0000")
    kb.press(Qt.Key.Key_A, CTRL_SHIFT)
    screen = admin.screens["admin_staff"]
    assert isinstance(screen, StaffAdminScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 5, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_Down)  # 1001, then 1002
    assert screen.chosen().staff_no == "1002" and screen.chosen().locked
    assert screen.model.text(1, 4) == "LOCKED"
    kb.press(Qt.Key.Key_U)
    qtbot.waitUntil(lambda: not screen.chosen().locked, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "unlocked" in screen.notice.text()
    kb.press(Qt.Key.Key_P)
    kb.type("5937")
    kb.enter()
    idle(qtbot, admin)
    assert "New PIN set for 1002" in screen.notice.text()
    assert counter.auth.login("1002", "5937").name == "Priya Singh"
    kb.press(Qt.Key.Key_D)
    qtbot.waitUntil(lambda: not screen.chosen().active, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert screen.model.text(1, 3) == "DISABLED"
    with pytest.raises(Exception, match="wrong"):
        counter.auth.login("1002", "5937")
    kb.press(Qt.Key.Key_Escape)
    assert admin.current == "payment"


def test_the_fee_schedule_changes_a_fixed_fee(qtbot: object, admin: MainWindow, kb: Keyboard,
                                              counter: Counter) -> None:
    kb.press(Qt.Key.Key_F, CTRL_SHIFT)
    assert admin.current == "admin_fees"
    screen = admin.screens["admin_fees"]
    assert isinstance(screen, FeeScheduleScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 5, timeout=WAIT_MS)  # type: ignore[attr-defined]
    codes = [s.code for s, _a in screen.model.rows()]
    target = next(s for s, _a in screen.model.rows() if s.amount_cents == 4_000)  # the backyard composter
    for _ in range(codes.index(target.code)):
        kb.press(Qt.Key.Key_Down)
    kb.enter()
    assert screen.panel.isVisible() and screen.amount.hasFocus()
    kb.type("45.00")
    kb.enter()
    idle(qtbot, admin)
    assert "saved" in screen.notice.text()
    row = next(s for s, _a in screen.model.rows() if s.code == target.code)
    assert row.amount_cents == 4_500
    changes = counter.audit.search(action="fee_change")
    assert changes and changes[0].object_ref == f"service:{target.code}" and changes[0].actor == "9001"

    kb.enter()  # nothing changed this time: said next to the form
    kb.enter()
    idle(qtbot, admin)
    assert screen.errors["service"].text() == "Nothing to change."


def test_a_cashier_cannot_open_the_administrator_or_audit_screens(
    qtbot: object, cashier: MainWindow, kb: Keyboard
) -> None:
    for key in (Qt.Key.Key_A, Qt.Key.Key_F):
        kb.press(key, CTRL_SHIFT)
        assert cashier.current == "payment"
        assert cashier.payment is not None
        assert "Only an administrator can" in cashier.payment.scan_error.text()
    kb.press(Qt.Key.Key_U, CTRL_SHIFT)
    assert cashier.current == "payment"
    assert "Only a supervisor can see the audit trail" in cashier.payment.scan_error.text()  # type: ignore


def test_the_audit_viewer_lists_a_login_and_verify_says_intact(
    qtbot: object, window: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    counter.drawers.open(counter.auth.login("2001", "999901"), FLOAT)
    sign_in(qtbot, kb, window, "2001", "999901")
    kb.press(Qt.Key.Key_U, CTRL_SHIFT)
    assert window.current == "audit"
    screen = window.screens["audit"]
    assert isinstance(screen, AuditScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)  # type: ignore[attr-defined]
    logins = [e for e in screen.model.rows() if e.action == "login" and e.actor == "2001"]
    assert logins
    kb.press(Qt.Key.Key_F, CTRL)  # the filters: action, staff number
    assert screen.action.hasFocus()
    kb.press(Qt.Key.Key_Tab)
    kb.type("2001")
    kb.enter()
    idle(qtbot, window)
    assert {e.actor for e in screen.model.rows()} == {"2001"}
    assert screen.model.text(0, 4) in ("Sign-in", "Drawer opened")
    kb.press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: "intact" in screen.chain.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert screen.chain.property("tone") == "ok"
    kb.press(Qt.Key.Key_Escape)
    assert window.current == "payment"
