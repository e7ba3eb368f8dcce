"""The one window of the counter: a header with the city's name, a stack of screens, a status bar, F1 help.

Only the sign-in screen is built before the first paint; the other screens are built once the counter has opened
(``SessionViewModel.ready``), while the cashier is still typing their PIN.

Half-done sales: signing out or "next resident" with lines but no tenders asks before discarding them; with a
tender entered (money may already have been taken on the card terminal) both are refused until the payment is
finished or the tenders are removed, so a taken payment is never silently dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from counter_app.config import Settings
from counter_app.payments.money import format_money
from counter_app.ui.keymap import TITLES
from counter_app.ui.login_screen import LoginScreen
from counter_app.ui.prompts import Prompts
from counter_app.ui.shortcut_overlay import ShortcutOverlay
from counter_app.ui.view_models import SessionViewModel
from counter_app.ui.widgets import set_state
from counter_app.ui.workers import TaskRunner

if TYPE_CHECKING:
    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.ui.payment_screen import PaymentScreen
    from counter_app.ui.receipt_screen import ReceiptScreen
    from counter_app.ui.tender_screen import TenderScreen
    from counter_app.ui.transactions_screen import TransactionsScreen
    from counter_app.ui.view_models import (
        DrawerViewModel,
        PaymentViewModel,
        ReceiptViewModel,
        TransactionsViewModel,
    )

CITY_TITLE = "City of Lethbridge · 311 Payments and Customer Service"
TENDERS_ENTERED = ("Tenders are entered: finish the payment, or remove the tenders (Ctrl+Delete on the tender "
                   "screen) first.")


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, build: Callable[[Settings], Counter], prompts: Prompts | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Counter · City of Lethbridge 311")
        self.settings = settings
        self.prompts = prompts or Prompts()
        self.runner = TaskRunner(self)
        self.session = SessionViewModel(settings, build, self.runner, self)
        self.counter: Counter | None = None
        self.staff: StaffMember | None = None
        self.payment_vm: PaymentViewModel | None = None
        self.tx_vm: TransactionsViewModel | None = None
        self.receipt_vm: ReceiptViewModel | None = None
        self.drawer_vm: DrawerViewModel | None = None
        self._retry_after_drawer = False
        self.payment: PaymentScreen | None = None
        self.tender: TenderScreen | None = None
        self.receipt: ReceiptScreen | None = None
        self.transactions: TransactionsScreen | None = None
        self._dialog: Any = None
        self.features: Any = None  # FeatureContext, once the counter is open
        self._started = False
        self.current = "login"

        central = QWidget()
        central.setObjectName("central")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        header = QFrame()
        header.setObjectName("header")
        row = QHBoxLayout(header)
        row.setContentsMargins(20, 0, 20, 0)
        city = QLabel(CITY_TITLE)
        city.setObjectName("headerCity")
        self.screen_title = QLabel(TITLES["login"])
        self.screen_title.setObjectName("headerScreen")
        help_hint = QLabel("F1  Help")
        help_hint.setObjectName("headerHelp")
        row.addWidget(city)
        row.addStretch(1)
        row.addWidget(self.screen_title)
        row.addSpacing(24)
        row.addWidget(help_hint)
        column.addWidget(header)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.login = LoginScreen(settings)
        self.screens: dict[str, QWidget] = {"login": self.login}
        self.stack.addWidget(self.login)

        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setSizeGripEnabled(False)
        self.station_label = QLabel(f"Workstation {settings.workstation}")
        self.cashier_label = QLabel("Not signed in")
        self.demo_label = QLabel("DEMO")
        self.demo_label.setObjectName("demoMarker")
        self.demo_label.setVisible(settings.demo)
        self.sync_label = QLabel("Opening…")
        self.sync_label.setObjectName("syncLabel")
        self.clock_label = QLabel(time.strftime("%H:%M:%S"))
        self.clock_label.setObjectName("clockLabel")
        for label in (self.station_label, self.cashier_label):
            label.setObjectName(label.objectName() or "statusItem")
            bar.addWidget(label)
        bar.addWidget(self.demo_label)
        self.status_items = len(bar.findChildren(QLabel))  # features insert their permanent items after these
        bar.addPermanentWidget(self.sync_label)
        bar.addPermanentWidget(self.clock_label)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._sync_poll = QTimer(self)  # records also leave by the sync job: look again now and then
        self._sync_poll.setInterval(30_000)
        self._sync_poll.timeout.connect(self._poll_outbox)
        self._sync_poll.start()

        self.overlay = ShortcutOverlay(self)

        self._global: list[tuple[QShortcut, bool]] = []
        self._shortcut("F1", self.toggle_help, always=True)
        self._shortcut("F2", self.go_payment)
        self._shortcut("F3", self.focus_search)
        self._shortcut("F4", self.go_transactions)
        self._shortcut("F10", self.go_tender)
        self._shortcut("F12", self.next_resident)
        self._shortcut("Ctrl+N", self.next_resident)
        self._shortcut("Ctrl+Q", self.sign_out)
        self._set_signed_in(False)

        self.login.submitted.connect(self.session.login)
        self.session.ready.connect(self._ready)
        self.session.start_failed.connect(self.login.set_start_failed)
        self.session.signed_in.connect(self._signed_in)
        self.session.failed.connect(self.login.show_error)
        self.session.busy_changed.connect(self.login.set_busy)
        self.login.setFocus()

    # -- start-up --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the counter (migrate, seed, read the fee schedule) in the worker lane; idempotent."""
        if self._started:
            return
        self._started = True
        self.login.set_opening()
        self.session.start()

    def _ready(self, counter: Counter) -> None:
        from counter_app.ui.view_models import (
            DrawerViewModel,
            PaymentViewModel,
            ReceiptViewModel,
            TransactionsViewModel,
        )

        self.counter = counter
        self.payment_vm = PaymentViewModel(counter, self.runner, self)
        self.tx_vm = TransactionsViewModel(counter, self.runner, self)
        self.receipt_vm = ReceiptViewModel(counter, self.runner, self)
        self.drawer_vm = DrawerViewModel(counter, self.runner, self)
        self.payment_vm.failed.connect(self._payment_failed)
        self.payment_vm.completed.connect(self._completed)
        self.payment_vm.outbox_changed.connect(self._show_outbox)
        self.tx_vm.failed.connect(self._tx_failed)
        self.tx_vm.voided.connect(self._voided)
        self.tx_vm.refund_ready.connect(self._open_refund)
        self.tx_vm.refunded.connect(self._refunded)
        self.tx_vm.busy_changed.connect(self._tx_busy)
        self.drawer_vm.missing.connect(self.ask_drawer)
        self.drawer_vm.opened.connect(self._drawer_opened)
        self.drawer_vm.failed.connect(self._drawer_failed)
        self.drawer_vm.busy_changed.connect(self._tx_busy)
        self.login.set_ready(counter.auth.pin_problem)
        self.payment_vm.refresh_outbox()
        self._tick()
        # Sign-in works from here on. The other screens are built just after (0.1 s of widgets that nobody
        # needs before a PIN has been typed), or at sign-in if that comes first.
        QTimer.singleShot(0, self._build_screens)

    def _build_screens(self) -> None:
        if self.payment is not None or self.payment_vm is None:
            return
        from counter_app.ui.payment_screen import PaymentScreen
        from counter_app.ui.receipt_screen import ReceiptScreen
        from counter_app.ui.tender_screen import TenderScreen
        from counter_app.ui.transactions_screen import TransactionsScreen

        assert self.tx_vm is not None and self.receipt_vm is not None
        self.payment = PaymentScreen(self.payment_vm)
        self.tender = TenderScreen(self.payment_vm)
        self.receipt = ReceiptScreen(self.receipt_vm, self.prompts)
        self.transactions = TransactionsScreen(self.tx_vm)
        for name, screen in (("payment", self.payment), ("tender", self.tender), ("receipt", self.receipt),
                             ("transactions", self.transactions)):
            self.screens[name] = screen
            self.stack.addWidget(screen)
        self.payment.drawer_requested.connect(self.ask_drawer)
        self.tender.back.connect(self.go_payment)
        self.receipt.next_resident.connect(self.next_resident)
        self.receipt.back.connect(self._receipt_back)
        self.transactions.reprint.connect(self._reprint)
        self.transactions.void.connect(self._ask_void)
        self.transactions.refund.connect(self._ask_refund)
        self.transactions.back.connect(self.go_payment)
        self._install_features()

    def _install_features(self) -> None:
        """Questions and referrals, end of day, sync, security: each adds its own screens and keys."""
        from counter_app.ui.feature_api import FeatureContext, install_features

        assert self.counter is not None
        from counter_app.heap import freeze_start_up_heap

        freeze_start_up_heap()  # keep full collections from walking it during exports and sync pushes
        self.features = FeatureContext(self, self.counter, self.runner, self.prompts)
        if self.payment_vm is not None:
            self.payment_vm.visit_id = lambda: self.features.visit_id if self.features else None
        install_features(self.features)

    @property
    def ready(self) -> bool:
        return self.counter is not None

    # -- signing in and out ------------------------------------------------------------------------------------
    def _signed_in(self, staff: StaffMember) -> None:
        self._build_screens()
        self.staff = staff
        for vm in (self.payment_vm, self.tx_vm, self.receipt_vm, self.drawer_vm):
            if vm is not None:
                vm.cashier = staff
        self.cashier_label.setText(f"{staff.name} · {staff.role}")
        self._set_signed_in(True)
        if self.features is not None:
            self.features.new_visit()
            self.features.signed_in.emit(staff)
        self.login.reset()
        self.go_payment()
        if self.payment is not None:
            self.payment.reset()
        if self.drawer_vm is not None:
            self.drawer_vm.check()
        if self.payment_vm is not None:
            self.payment_vm.refresh_outbox()  # signing in is audited, and the audit trail syncs too

    def sign_out(self) -> None:
        vm = self.payment_vm
        if vm is not None and vm.has_tenders:
            self._tell(TENDERS_ENTERED)
            return
        if vm is not None and vm.has_lines and not self.prompts.confirm(
            self, "Sign out", f"Sign out and discard the sale in progress ({format_money(vm.sale.total)})?",
            "&Discard and sign out", "&Keep the sale"):
            return
        if vm is not None:
            vm.new_sale()
        if self.features is not None:
            self.features.end_visit()
            self.features.signed_out.emit()
        self.staff = None
        for model in (self.payment_vm, self.tx_vm, self.receipt_vm, self.drawer_vm):
            if model is not None:
                model.cashier = None
        self.cashier_label.setText("Not signed in")
        self._set_signed_in(False)
        self.login.reset()
        self.show_screen("login")

    # -- lock and switch user (security feature: counter_app/ui/security_feature.py) ---------------------------
    def set_locked(self, locked: bool) -> None:
        """While the idle lock covers the window, no window-wide key acts behind it (F1 help stays)."""
        self._set_signed_in(self.staff is not None and not locked)

    def switch_staff(self, staff: StaffMember) -> None:
        """Another staff member takes over the workstation (from the lock screen, after their PIN was checked):
        the sale in progress, its visit and the current screen stay; what is recorded from now on (the payment's
        cashier, approvals asked for) is theirs. Unlike sign-in, nothing is reset or discarded."""
        self.staff = staff
        for vm in (self.payment_vm, self.tx_vm, self.receipt_vm, self.drawer_vm):
            if vm is not None:
                vm.cashier = staff
        self.cashier_label.setText(f"{staff.name} · {staff.role}")
        if self.features is not None:
            self.features.signed_in.emit(staff)
        if self.drawer_vm is not None:
            self.drawer_vm.check()  # the new person counts their own float if they have no drawer open here

    def _set_signed_in(self, signed_in: bool) -> None:
        for shortcut, always in self._global:
            shortcut.setEnabled(signed_in or always)

    # -- navigation --------------------------------------------------------------------------------------------
    def _shortcut(self, keys: str, slot: Callable[[], None], always: bool = False) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        self._global.append((shortcut, always))
        shortcut.setEnabled(always or self.staff is not None)

    def add_shortcut(self, keys: str, slot: Callable[[], None], always: bool = False) -> None:
        """For features: a window-wide key, enabled while someone is signed in."""
        self._shortcut(keys, slot, always)

    def tell(self, message: str, tone: str = "info") -> None:
        if tone == "success":
            self._tell_success(message)
        else:
            self._tell(message)

    def show_screen(self, name: str) -> None:
        screen = self.screens[name]
        self.current = name
        self.stack.setCurrentWidget(screen)
        self.screen_title.setText(TITLES[name])
        screen.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.features is not None:
            self.features.screen_shown.emit(name)

    def go_payment(self) -> None:
        if self.payment is None or self.staff is None:
            return
        self.show_screen("payment")
        self.payment.focus_scan()

    def focus_search(self) -> None:
        if self.payment is None or self.staff is None:
            return
        if self.current != "payment":
            self.show_screen("payment")
        self.payment.close_panel()
        self.payment.focus_scan()

    def go_tender(self) -> None:
        if self.payment_vm is None or self.staff is None:
            return
        self.payment_vm.when_idle(self._open_tender)

    def _open_tender(self) -> None:
        assert self.payment is not None and self.tender is not None and self.payment_vm is not None
        if self.current == "tender":
            return
        if not self.payment_vm.has_lines:
            self.go_payment()
            self.payment.show_error("Add something to pay for first: scan a bill or pick a service.", "lines")
            return
        self.show_screen("tender")
        self.tender.enter()

    def go_transactions(self) -> None:
        if self.transactions is None or self.tx_vm is None or self.staff is None:
            return
        self.show_screen("transactions")
        self.tx_vm.refresh()

    def next_resident(self) -> None:
        vm = self.payment_vm
        if vm is None or self.staff is None or self.payment is None:
            return
        if vm.busy:
            return
        if vm.has_tenders:
            self._tell(TENDERS_ENTERED)
            return
        if vm.has_lines and not self.prompts.confirm(
            self, "Next resident", f"Discard the sale in progress ({len(vm.sale.lines)} line(s), "
            f"{format_money(vm.sale.total)})?", "&Discard", "&Keep the sale"):
            return
        vm.new_sale()
        if self.features is not None:
            self.features.new_visit()
        self.show_screen("payment")
        self.payment.reset()

    def toggle_help(self) -> None:
        if self.overlay.isVisible():
            self.overlay.close_overlay()
        else:
            self.overlay.open_for(self.current, self.staff is not None)

    def _tell(self, message: str) -> None:
        screen = self.screens.get(self.current)
        show = getattr(screen, "show_error", None)
        if show is not None:
            show(message, "")

    # -- the drawer --------------------------------------------------------------------------------------------
    def ask_drawer(self, reason: str = "") -> None:
        """Count the float and open the cashier's drawer (after sign-in, F7 on the payment screen, or on demand)."""
        from counter_app.ui.drawer_dialog import DrawerDialog

        if self.staff is None or self.drawer_vm is None or self._dialog is not None:
            return
        dialog = DrawerDialog(self.staff.name, reason, self)
        dialog.submitted.connect(lambda counts: self.drawer_vm.open(counts) if self.drawer_vm else None)
        dialog.rejected.connect(lambda: setattr(self, "_retry_after_drawer", False))
        self._open_dialog(dialog)

    def _drawer_opened(self, session: Any) -> None:
        if self._dialog is not None:
            self._dialog.accept()
        self._tell_success(f"Drawer open with a {format_money(session.float_cents)} float.")
        if self.payment_vm is not None:
            self.payment_vm.refresh_outbox()
            if self._retry_after_drawer:
                self._retry_after_drawer = False
                self.payment_vm.complete()

    def _drawer_failed(self, message: str, field: str) -> None:
        if self._dialog is not None:
            self._dialog.show_error(message, field)
        else:
            self._tell(message)

    def _tell_success(self, message: str) -> None:
        screen = self.screens.get(self.current)
        notice = getattr(screen, "notice", None)
        if notice is not None:
            notice.say(message, "success")

    # -- payments ----------------------------------------------------------------------------------------------
    def _payment_failed(self, message: str, field: str) -> None:
        if field == "override" and self.staff is not None:
            if self.tender is not None and self.current == "tender":
                self.tender.show_error(message, field)  # on the screen too, should the approval be cancelled
            self._ask_override(message)
            return
        if field in ("supervisor", "pin") and self._dialog is not None:
            self._dialog.show_error(message, field)
            return
        if field == "drawer" and self.staff is not None:
            # the payment is paid but cannot be recorded without an open drawer: open it, then record it
            self._retry_after_drawer = self.payment_vm is not None and self.payment_vm.settlement().is_paid
            self.ask_drawer(message)
        target = self.tender if self.current == "tender" else self.payment
        if target is not None:
            target.show_error(message, field)

    def _ask_override(self, message: str) -> None:
        """Above an amount cap the service refuses; a supervisor approves it here (a price override)."""
        from counter_app.ui.approval_dialog import ApprovalDialog

        if self._dialog is not None:
            self._dialog.show_error(message, "")
            return
        dialog = ApprovalDialog("Approve the amount", f"{message} A supervisor approves with their own number "
                                "and PIN; the approval goes in the audit trail.", self, with_reason=False)
        dialog.submitted.connect(lambda _reason, sup, pin: self.payment_vm.complete_with_override(sup, pin)
                                 if self.payment_vm else None)
        self._open_dialog(dialog)

    def _completed(self, result: Any) -> None:
        from counter_app.ui.receipt_screen import info_from_payment

        if self._dialog is not None and self._dialog.objectName() == "approvalDialog":
            self._dialog.accept()
        assert self.receipt is not None
        if self.features is not None:
            self.features.payment_completed.emit(result)
        self.show_screen("receipt")
        self.receipt.show_receipt(info_from_payment(result))

    def _receipt_back(self) -> None:
        if self.receipt is not None and self.receipt.info is not None and self.receipt.info.mode == "reprint":
            self.go_transactions()
        else:
            self.next_resident()

    def _show_outbox(self, pending: int) -> None:
        if pending:
            self.sync_label.setText(f"{pending} record{'s' if pending != 1 else ''} waiting to sync")
            set_state(self.sync_label, "tone", "pending")
        else:
            self.sync_label.setText("All records synced")
            set_state(self.sync_label, "tone", "ok")

    # -- voids, refunds, reprints -----------------------------------------------------------------------------
    def _reprint(self, summary: Any) -> None:
        from counter_app.ui.receipt_screen import info_from_summary

        assert self.receipt is not None
        self.show_screen("receipt")
        self.receipt.show_receipt(info_from_summary(summary))

    def _ask_void(self, summary: Any) -> None:
        from counter_app.ui.approval_dialog import ApprovalDialog

        assert self.transactions is not None and self.tx_vm is not None
        if summary.status == "void":
            self.transactions.show_error(f"{summary.receipt_number} is already void.")
            return
        if summary.kind != "sale":
            self.transactions.show_error("A refund cannot be voided; take a new payment instead.")
            return
        when = summary.created_at.astimezone(self.tx_vm.counter.clock.tz).strftime("%H:%M")
        dialog = ApprovalDialog(
            f"Void receipt {summary.receipt_number}",
            f"{format_money(summary.total_cents)} taken at {when} by {summary.cashier}. The receipt is kept and "
            "marked VOID; bill balances are restored. A supervisor approves with their own number and PIN.",
            self,
        )
        number = summary.receipt_number
        dialog.submitted.connect(lambda reason, sup, pin: self.tx_vm.void(number, reason, sup, pin)
                                 if self.tx_vm else None)
        self._open_dialog(dialog)

    def _ask_refund(self, summary: Any) -> None:
        assert self.transactions is not None and self.tx_vm is not None
        if summary.kind != "sale" or summary.status != "completed":
            self.transactions.show_error("Only a completed sale can be refunded.")
            return
        self.tx_vm.load_refund(summary.receipt_number)

    def _open_refund(self, options: Any) -> None:
        from counter_app.ui.refund_dialog import RefundDialog

        dialog = RefundDialog(options, self)
        number = options.original.receipt_number
        dialog.submitted.connect(
            lambda lines, kind, auth, reason, sup, pin: self.tx_vm.refund(number, lines, kind, auth, reason, sup, pin)
            if self.tx_vm else None)
        self._open_dialog(dialog)

    def _open_dialog(self, dialog: Any) -> None:
        self._dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: Any) -> None:
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()
        self.activateWindow()
        screen = self.screens.get(self.current)
        if screen is not None:
            screen.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tx_failed(self, message: str, field: str) -> None:
        if self._dialog is not None:
            self._dialog.show_error(message, field)
        elif self.transactions is not None:
            self.transactions.show_error(message, field)

    def _tx_busy(self, busy: bool) -> None:
        if self._dialog is not None:
            self._dialog.set_busy(busy)

    def _voided(self, number: str) -> None:
        if self._dialog is not None:
            self._dialog.accept()
        if self.transactions is not None and self.tx_vm is not None:
            self.transactions.notice.say(f"Receipt {number} is void. It stays in the list, marked VOID.", "success")
            self.tx_vm.refresh()
        if self.payment_vm is not None:
            self.payment_vm.refresh_outbox()

    def _refunded(self, result: Any) -> None:
        from counter_app.ui.receipt_screen import info_from_payment

        if self._dialog is not None:
            self._dialog.accept()
        assert self.receipt is not None
        if self.features is not None:
            self.features.payment_completed.emit(result)  # a cash refund prints and opens the drawer too
        self.show_screen("receipt")
        self.receipt.show_receipt(info_from_payment(result))
        if self.payment_vm is not None:
            self.payment_vm.refresh_outbox()

    # -- the status bar ----------------------------------------------------------------------------------------
    def _tick(self) -> None:
        if self.counter is not None:
            self.clock_label.setText(self.counter.clock.local_now().strftime("%H:%M:%S"))
        else:
            self.clock_label.setText(time.strftime("%H:%M:%S"))

    def _poll_outbox(self) -> None:
        if self.payment_vm is not None and not self.runner.busy():
            self.payment_vm.refresh_outbox()

    # -- closing -----------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Let the worker lane finish (a payment being recorded completes), then close the store."""
        self._clock.stop()
        self._sync_poll.stop()
        self.runner.wait(15_000)
        if self.counter is not None:
            self.counter.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        vm = self.payment_vm
        if vm is not None and vm.has_tenders:
            self._tell(TENDERS_ENTERED)
            event.ignore()
            return
        super().closeEvent(event)
