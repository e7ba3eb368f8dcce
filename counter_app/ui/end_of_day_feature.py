"""End of day: the Drawer screen (X report, paid in / out, pickup, no sale), the blind close and its Z report,
the export for finance, and the receipt printer with its cash drawer.

Installed by the window through :func:`install`; everything is wired through the :class:`FeatureContext`.

Keys (window-wide, while someone is signed in):
    Ctrl+F7        the Drawer screen
    Ctrl+Shift+E   export the reconciliation for finance
    Ctrl+Shift+P   receipt printer and cash drawer settings (supervisor or administrator)
    Ctrl+Shift+R   reprint the receipt on screen (or highlighted in today's list) on the receipt printer
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel

from counter_app.drawer.session import MovementKind
from counter_app.export.figures import tender_label
from counter_app.payments.money import format_money
from counter_app.ui import eod_close_screen, eod_drawer_screen, eod_z_report_screen
from counter_app.ui.eod_close_screen import CloseScreen
from counter_app.ui.eod_dialogs import CloseApprovalDialog, MovementDialog
from counter_app.ui.eod_drawer_screen import DrawerScreen
from counter_app.ui.eod_export import ExportDialog, default_folder
from counter_app.ui.eod_reports import (
    OverShort,
    Section,
    XReport,
    ZReport,
    flatten,
    x_report_sections,
    z_report_sections,
)
from counter_app.ui.eod_view_model import CloseRequest, EndOfDayViewModel, ExportResult, Moved
from counter_app.ui.eod_widgets import report_html
from counter_app.ui.eod_z_report_screen import ZReportScreen
from counter_app.ui.printer_lane import ReceiptPrinter
from counter_app.ui.view_models import describe
from counter_app.ui.widgets import set_state

if TYPE_CHECKING:
    from counter_app.printing.escpos_printer import EscposPrinter
    from counter_app.printing.printer_config import PrinterConfig
    from counter_app.services.records import StaffMember
    from counter_app.ui.feature_api import FeatureContext

DRAWER, CLOSE, ZREPORT = "drawer", "drawer_close", "z_report"
GLOBAL = (
    ("Ctrl+F7", "Your drawer: X report, cash, close"),
    ("Ctrl+Shift+E", "Export for finance"),
    ("Ctrl+Shift+P", "Receipt printer settings"),
    ("Ctrl+Shift+R", "Reprint on the receipt printer"),
)
MOVEMENT_KEYS = {"paid_in": MovementKind.PAID_IN, "paid_out": MovementKind.PAID_OUT,
                 "pickup": MovementKind.PICKUP, "no_sale": MovementKind.NO_SALE}


def install(ctx: FeatureContext) -> None:
    feature = EndOfDayFeature(ctx)
    ctx._features.append(feature)


def feature_of(window: Any) -> EndOfDayFeature | None:
    """The installed end-of-day feature of a window (tests, screenshots)."""
    ctx = getattr(window, "features", None)
    for feature in getattr(ctx, "_features", ()):
        if isinstance(feature, EndOfDayFeature):
            return feature
    return None


class EndOfDayFeature(QObject):
    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        counter = ctx.counter
        self.vm = EndOfDayViewModel(counter, ctx.runner, self)
        self.printer = ReceiptPrinter(counter.settings.printer, self)
        self.unprinted: set[str] = set()  # receipts whose first thermal print failed: a reprint is the original
        self.dialog: QDialog | None = None
        self.export_dialog: ExportDialog | None = None
        tz = counter.clock.tz

        self.drawer = DrawerScreen(tz)
        self.close_screen = CloseScreen()
        self.z_screen = ZReportScreen(tz)
        ctx.register_screen(DRAWER, self.drawer, "Your drawer", eod_drawer_screen.KEYS, eod_drawer_screen.HINTS)
        ctx.register_screen(CLOSE, self.close_screen, "Close the drawer", eod_close_screen.KEYS,
                            eod_close_screen.HINTS)
        ctx.register_screen(ZREPORT, self.z_screen, "Z report", eod_z_report_screen.KEYS,
                            eod_z_report_screen.HINTS)
        self.z_screen.set_printer(self.printer.describe())

        ctx.add_shortcut("Ctrl+F7", self.show_drawer, GLOBAL[0][1])
        ctx.add_shortcut("Ctrl+Shift+E", lambda: self.open_export(), GLOBAL[1][1])
        ctx.add_shortcut("Ctrl+Shift+P", self.open_printer_settings, GLOBAL[2][1])
        ctx.add_shortcut("Ctrl+Shift+R", self.reprint_thermal, GLOBAL[3][1])

        self.status = QLabel("")
        self.status.setObjectName("drawerStatus")
        self.status.hide()
        ctx.add_status_widget(self.status)

        self.drawer.action.connect(self._drawer_action)
        self.drawer.back.connect(self._back_to_payment)
        self.close_screen.submitted.connect(self._submit_close)
        self.close_screen.back.connect(self.show_drawer)
        self.z_screen.action.connect(self._z_action)
        self.z_screen.back.connect(self.show_drawer)

        vm = self.vm
        vm.x_loaded.connect(self._x_loaded)
        vm.failed.connect(lambda message, _field: self._screen_error(message))
        vm.moved.connect(self._moved)
        vm.move_failed.connect(self._dialog_error)
        vm.needs_approval.connect(self._needs_approval)
        vm.close_failed.connect(self._close_failed)
        vm.closed.connect(self._closed)
        vm.busy_changed.connect(self._busy)
        vm.sessions_loaded.connect(self._sessions_loaded)
        vm.export_progress.connect(self._export_progress, Qt.ConnectionType.QueuedConnection)
        vm.exported.connect(self._exported)
        vm.export_failed.connect(self._export_failed)

        ctx.signed_in.connect(self._signed_in)
        ctx.signed_out.connect(self._signed_out)
        ctx.payment_completed.connect(self._payment_completed)
        ctx.screen_shown.connect(self._screen_shown)
        drawer_vm = getattr(ctx.window, "drawer_vm", None)
        if drawer_vm is not None:
            drawer_vm.opened.connect(lambda _session: self.vm.refresh())
        if ctx.staff is not None:
            self._signed_in(ctx.staff)

    # -- who is signed in -----------------------------------------------------------------------------------
    def _signed_in(self, staff: StaffMember) -> None:
        self.vm.cashier = staff
        self.vm.x_report = None
        self.vm.z_report = None
        self.status.show()
        self.vm.refresh()
        if self.printer.problem:
            self.ctx.tell(self.printer.problem, "error")

    def _signed_out(self) -> None:
        self.vm.cashier = None
        self.vm.x_report = None
        self.vm.z_report = None
        self.vm.pending_close = None
        self.status.hide()
        if self.dialog is not None:
            self.dialog.reject()

    def _x_loaded(self, report: XReport | None) -> None:
        staff = self.ctx.staff
        self.drawer.show_report(report, staff.name if staff else "")
        if report is None and self.vm.z_report is not None:
            self.drawer.set_closed_text(f"Your drawer is closed: Z report {self.vm.z_report.number} "
                                        "(Z shows it again). Press Enter to count a new float and open a drawer.")
        else:
            self.drawer.set_closed_text("Press Enter to count your float and open your drawer.")
        self.status.setText("Drawer open" if report is not None else "Drawer closed")
        set_state(self.status, "tone", "open" if report is not None else "closed")

    # -- navigation -----------------------------------------------------------------------------------------
    def show_drawer(self) -> None:
        if self.ctx.staff is None:
            return
        self.drawer.show_loading()
        self.ctx.show_screen(DRAWER)

    def _screen_shown(self, name: str) -> None:
        if name == DRAWER:
            self.vm.refresh()

    def _back_to_payment(self) -> None:
        go = getattr(self.ctx.window, "go_payment", None)
        if go is not None:
            go()

    def _screen_error(self, message: str) -> None:
        screen = self.ctx.window.screens.get(self.ctx.window.current)
        if screen in (self.drawer, self.close_screen, self.z_screen):
            screen.show_error(message, "")
        else:
            self.ctx.tell(message, "error")

    def _drawer_action(self, action: str) -> None:
        report = self.vm.x_report
        if action == "refresh":
            self.drawer.notice.say("")
            self.vm.refresh()
        elif action == "open":
            if report is None:
                ask = getattr(self.ctx.window, "ask_drawer", None)
                if ask is not None:
                    ask()
        elif action == "last_z":
            if self.vm.z_report is not None:
                self._show_z(self.vm.z_report)
            else:
                self.drawer.show_error("No Z report yet in this sign-in.")
        elif action == "export":
            self.open_export()
        elif report is None:
            self.drawer.show_error("No drawer is open: press Enter to count your float first.")
        elif action in MOVEMENT_KEYS:
            self._ask_movement(MOVEMENT_KEYS[action], report)
        elif action == "close":
            self._start_close(report)
        elif action == "print":
            self._print(f"X report · {report.session.cashier}",
                        "Running totals (not a close): nothing is numbered or locked.",
                        x_report_sections(report, self.vm.tz), self.drawer)

    # -- cash movements -------------------------------------------------------------------------------------
    def _open_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        self.ctx.window.activateWindow()
        screen = self.ctx.window.screens.get(self.ctx.window.current)
        if screen is self.close_screen and self.vm.pending_close is not None:
            self.close_screen.set_busy(False)
            self.close_screen.notice.say("Not closed. Recount if you need to, then Ctrl+Enter.", "info")
            self.close_screen.grid.focus_count("n100")
        elif screen is not None:
            screen.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ask_movement(self, kind: MovementKind, report: XReport) -> None:
        if self.dialog is not None:
            return
        hint = ""
        if kind in (MovementKind.PAID_OUT, MovementKind.PICKUP):
            hint = f"The drawer should hold {format_money(report.recon.cash.expected)} now."
        dialog = MovementDialog(kind, hint, self.ctx.window)
        dialog.submitted.connect(lambda amount, reason, sup, pin: self.vm.move(kind, amount, reason, sup, pin))
        self._open_dialog(dialog)

    def _dialog_error(self, message: str, field: str) -> None:
        dialog = self.dialog
        if isinstance(dialog, MovementDialog | CloseApprovalDialog):
            dialog.show_error(message, field)
        else:
            self._screen_error(message)

    def _busy(self, busy: bool) -> None:
        dialog = self.dialog
        if isinstance(dialog, MovementDialog | CloseApprovalDialog):
            dialog.set_busy(busy)

    def _moved(self, moved: Moved) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        amount = "" if moved.kind is MovementKind.NO_SALE else f" of {format_money(moved.amount_cents)}"
        approved = f", approved by {moved.supervisor}" if moved.supervisor else ""
        message = f"{moved.kind.label}{amount} recorded{approved}."
        if moved.kind is MovementKind.NO_SALE:
            if self.printer.run(lambda p: p.open_drawer(),
                                lambda _r: self.drawer.notice.say(f"{message} The drawer is open.", "success"),
                                lambda error: self.drawer.show_error(f"{message} {error}")):
                message += " Opening the drawer…"
            else:
                message += " Open the drawer with its key (no receipt printer drives it)."
        self.drawer.notice.say(message, "success")

    # -- the close ------------------------------------------------------------------------------------------
    def _start_close(self, report: XReport) -> None:
        payment = getattr(self.ctx.window, "payment_vm", None)
        if payment is not None and payment.has_lines:
            self.drawer.show_error("Finish or cancel the payment in progress (F2) before closing the drawer.")
            return
        staff = self.ctx.staff
        self.ctx.show_screen(CLOSE)
        self.close_screen.start(staff.name if staff else "")
        recon = report.recon
        cheques = [(r, tender_label("cheque"), n, c) for r, n, c in recon.cheques]
        cheques += [(r, tender_label("money_order"), n, c) for r, n, c in recon.money_orders]
        self.close_screen.set_cheques(cheques)
        self.close_screen.grid.focus_count("n100")

    def _sale_in_progress(self) -> bool:
        payment = getattr(self.ctx.window, "payment_vm", None)
        return bool(payment is not None and payment.has_lines)

    def _submit_close(self, request: CloseRequest) -> None:
        self.close_screen.set_busy(True)
        self.vm.close(request, self._sale_in_progress())

    def _needs_approval(self, over: OverShort) -> None:
        self.close_screen.set_busy(True)
        self.close_screen.notice.say(over.message, "error")
        dialog = CloseApprovalDialog(over, self.ctx.window)
        dialog.submitted.connect(
            lambda note, sup, pin: self.vm.approve_close(note, sup, pin, self._sale_in_progress()))
        self._open_dialog(dialog)

    def _close_failed(self, message: str, field: str) -> None:
        if isinstance(self.dialog, CloseApprovalDialog):
            self.dialog.show_error(message, field)
            return
        self.close_screen.show_error(message, field)

    def _closed(self, report: ZReport) -> None:
        if self.dialog is not None:
            self.dialog.accept()
        self.status.setText("Drawer closed")
        set_state(self.status, "tone", "closed")
        self._show_z(report)

    def _show_z(self, report: ZReport) -> None:
        self.ctx.show_screen(ZREPORT)
        self.z_screen.set_printer(self.printer.describe())
        self.z_screen.show_report(report)

    def _z_action(self, action: str) -> None:
        report = self.z_screen.report
        if report is None:
            return
        sections = z_report_sections(report, self.vm.tz)
        title = f"Z report {report.number}"
        subtitle = f"Drawer of {report.session.cashier} closed: {report.outcome}."
        if action == "print":
            self._print(title, subtitle, sections, self.z_screen)
        elif action == "save":
            path = self.ctx.prompts.save_path(self.z_screen, f"{report.number}.pdf")
            if path:
                from counter_app.ui.eod_print import save_report_pdf

                try:
                    saved = save_report_pdf(path, report_html(title, subtitle, sections))
                except OSError as exc:
                    self.z_screen.show_error(f"The Z report could not be saved ({exc}). Choose another folder.")
                else:
                    self.z_screen.notice.say(f"Saved {saved}", "success")
        elif action == "export":
            self.open_export(report.session.id)

    # -- printing -------------------------------------------------------------------------------------------
    def _print(self, title: str, subtitle: str, sections: list[Section], screen: Any) -> None:
        rows = flatten(sections)

        def job(printer: EscposPrinter) -> None:
            printer.print_report(title, rows)

        started = self.printer.run(job, lambda _r: screen.notice.say(f"{title} printed on the receipt printer.",
                                                                     "success"),
                                   lambda message: screen.show_error(message))
        if started:
            screen.notice.say(f"Printing {title} on the receipt printer…", "info")
            return
        from counter_app.ui.eod_print import print_report

        if print_report(self.ctx.prompts, screen, report_html(title, subtitle, sections)):
            screen.notice.say(f"{title} sent to the printer.", "success")
        else:
            screen.notice.say("Not printed.", "info")

    def _payment_completed(self, result: Any) -> None:
        """A committed payment: its receipt on the thermal printer, the drawer kicked on cash. A failure here
        never touches the payment; the receipt is reprinted with Ctrl+Shift+R or from today's transactions."""
        snapshot = getattr(result, "snapshot", None)
        if snapshot is None or self.printer.thermal is None:
            return
        number = snapshot.receipt_number
        staff = self.ctx.staff

        def job(printer: EscposPrinter) -> None:
            printer.print_receipt(snapshot, open_drawer=printer.wants_drawer(snapshot))

        def done(_result: object) -> None:
            self.unprinted.discard(number)
            self._log_print(number, staff, copy=False)

        def failed(message: str) -> None:
            self.unprinted.add(number)
            self.ctx.tell(f"{message} (Ctrl+Shift+R prints receipt {number} again on the receipt printer.)",
                          "error")

        self.printer.run(job, done, failed)

    def _log_print(self, number: str, staff: StaffMember | None, copy: bool) -> None:
        """Record the print like any other (so the next one says COPY), in the store's own lane."""
        receipts = self.ctx.counter.receipts
        self.ctx.runner.run(receipts.issue, number, staff, "thermal", copy,
                            error=lambda exc: self.ctx.tell(describe(exc)[0], "error"))

    def reprint_thermal(self) -> None:
        window = self.ctx.window
        if window.current == ZREPORT:
            self._z_action("print")
            return
        if window.current == DRAWER and self.vm.x_report is not None:
            self._drawer_action("print")
            return
        number = ""
        receipt = getattr(window, "receipt", None)
        transactions = getattr(window, "transactions", None)
        if window.current == "receipt" and receipt is not None and receipt.info is not None:
            number = receipt.info.receipt_number
        elif window.current == "transactions" and transactions is not None:
            chosen = transactions.selected()
            number = chosen.receipt_number if chosen is not None else ""
        if not number:
            self.ctx.tell("Open the receipt to reprint (F4, choose it, Enter), then Ctrl+Shift+R.", "error")
            return
        if self.printer.thermal is None:
            self.ctx.tell("No receipt printer is set up (Ctrl+Shift+P): print with Ctrl+P on the receipt screen.",
                          "error")
            return
        copy = number not in self.unprinted
        staff = self.ctx.staff

        def found(stored: Any) -> None:
            def job(printer: EscposPrinter) -> None:
                printer.print_receipt(stored.snapshot, copy=copy, void=stored.status == "void")

            def done(_r: object) -> None:
                self.unprinted.discard(number)
                self._log_print(number, staff, copy=copy)
                self.ctx.tell(f"Receipt {number} printed on the receipt printer{' (marked COPY)' if copy else ''}.",
                              "success")

            self.printer.run(job, done, lambda message: self.ctx.tell(message, "error"))

        self.ctx.tell(f"Printing receipt {number}…", "success")
        self.ctx.runner.run(self.ctx.counter.payments.find, number, done=found,
                            error=lambda exc: self.ctx.tell(describe(exc)[0], "error"))

    # -- the export -----------------------------------------------------------------------------------------
    def open_export(self, session_id: str | None = None) -> None:
        staff = self.ctx.staff
        if staff is None or self.dialog is not None:
            return
        counter = self.ctx.counter
        dialog = ExportDialog(counter.clock.today(), default_folder(), staff.can("export"), counter.clock.tz,
                              self.ctx.window)
        if session_id is None and self.vm.x_report is not None and not staff.can("export"):
            session_id = self.vm.x_report.session.id
        if session_id is None and self.vm.z_report is not None and not staff.can("export"):
            session_id = self.vm.z_report.session.id
        dialog.preferred_session = session_id
        dialog.date_changed.connect(self.vm.load_sessions)
        dialog.export_requested.connect(self._start_export)
        dialog.choose_folder.connect(self._choose_folder)
        self.export_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "export_dialog", None))
        self._open_dialog(dialog)
        dialog.request_sessions()

    def _sessions_loaded(self, sessions: list[Any]) -> None:
        staff = self.ctx.staff
        if self.export_dialog is not None:
            self.export_dialog.set_sessions(sessions, staff.id if staff else None)

    def _choose_folder(self) -> None:
        dialog = self.export_dialog
        if dialog is None:
            return
        start = dialog.folder.text().strip() or str(default_folder())
        ask = getattr(self.ctx.prompts, "choose_folder", None)
        if ask is not None:
            chosen = ask(dialog, "Choose the export folder", start)
        else:
            chosen = QFileDialog.getExistingDirectory(dialog, "Choose the export folder", start)
        if chosen:
            dialog.set_folder(str(chosen))

    def _start_export(self, day: Any, folder: Path, session: Any) -> None:
        if self.export_dialog is not None:
            self.export_dialog.set_running(True)
        self.vm.export(day, folder, session)

    def _export_progress(self, percent: int, label: str) -> None:
        if self.export_dialog is not None:
            self.export_dialog.set_progress(percent, label)

    def _exported(self, result: ExportResult) -> None:
        if self.export_dialog is not None:
            self.export_dialog.show_done(result.folder, result.files, result.receipts)

    def _export_failed(self, message: str, field: str) -> None:
        if self.export_dialog is not None:
            self.export_dialog.show_error(message, field)
        else:
            self._screen_error(message)

    # -- printer settings -----------------------------------------------------------------------------------
    def open_printer_settings(self) -> None:
        from counter_app.ui.printer_settings import PrinterSettingsDialog

        staff = self.ctx.staff
        if staff is None or self.dialog is not None:
            return
        if not (staff.is_supervisor or staff.can("edit_settings")):
            self.ctx.tell("Printer settings are for a supervisor or an administrator: ask one to sign in here.",
                          "error")
            return
        dialog = PrinterSettingsDialog(self.printer.config, self.printer.problem, self.ctx.window)
        dialog.save_requested.connect(lambda section: self._save_printer(dialog, section))
        dialog.test_requested.connect(lambda section: self._test_printer(dialog, section))
        self._open_dialog(dialog)

    def _save_printer(self, dialog: Any, section: dict[str, Any]) -> None:
        from counter_app.printing.printer_config import parse_printer_config
        from counter_app.ui.printer_settings import save_printer_section

        try:
            parse_printer_config(section)
        except ValueError as exc:
            dialog.show_error(str(exc))
            return
        folder = self.ctx.counter.settings.data_dir

        def saved(config: PrinterConfig) -> None:
            self.printer.problem = ""
            self.printer.configure(config)
            self.z_screen.set_printer(config.describe())
            dialog.show_saved(config)

        self.ctx.runner.run(save_printer_section, folder, section, done=saved,
                            error=lambda exc: dialog.show_error(*describe(exc, "kind")))

    def _test_printer(self, dialog: Any, section: dict[str, Any]) -> None:
        from counter_app.printing.escpos_printer import EscposPrinter
        from counter_app.printing.printer_config import parse_printer_config

        try:
            config = parse_printer_config(section)
        except ValueError as exc:
            dialog.show_error(str(exc))
            return
        if not config.is_escpos:
            dialog.show_info("A test slip is for a thermal printer; the PDF and system printers print from the "
                             "receipt screen (Ctrl+P).")
            return
        tester = EscposPrinter(config)
        rows = [("Printer", ""), ("Setting", config.describe()), ("Characters per line", str(config.width))]
        dialog.show_info("Printing a test slip…")
        self.printer.lane.run(tester.print_report, "Printer test", rows,
                              done=lambda _r: dialog.show_info("Test slip printed. Save with Ctrl+Enter.", "success"),
                              error=lambda exc: dialog.show_error(*describe(exc, "kind")))
