"""General questions and referrals: the questions screen (F6), quick topics (Alt+1 ... Alt+9), the referral form
(F8), the referral list (Ctrl+F8), the directory (Ctrl+D) and today's dashboard (Ctrl+F9).

Installed by the window through :mod:`counter_app.ui.feature_api`; nothing here edits the window itself.
F6 and F8 are window-wide except on the tender screen, where they choose Debit and Cheque.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from counter_app.errors import UserError
from counter_app.payments.catalog import LineKind
from counter_app.ui import dashboard_screen, directory_screen, keymap, questions_screen, referral_list, referral_screen
from counter_app.ui.dashboard_screen import DashboardScreen, DashboardViewModel
from counter_app.ui.directory_screen import DirectoryScreen
from counter_app.ui.directory_view_model import DirectoryViewModel
from counter_app.ui.questions_screen import QuestionsScreen
from counter_app.ui.questions_view_model import Logged, QuestionsViewModel
from counter_app.ui.referral_list import ReferralListScreen
from counter_app.ui.referral_screen import ReferralScreen
from counter_app.ui.referral_view_model import ReferralListViewModel, ReferralStart, ReferralViewModel

if TYPE_CHECKING:
    from counter_app.questions.article import Article
    from counter_app.ui.feature_api import FeatureContext

#: Window-wide keys that the tender screen uses for its own tenders (F6 Debit, F8 Cheque): off there.
TENDER_KEYS = ("F6", "F8")


def install(ctx: FeatureContext) -> None:
    QuestionsFeature(ctx)


class QuestionsFeature(QObject):
    def __init__(self, ctx: FeatureContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        counter, runner = ctx.counter, ctx.runner
        self.last_receipt: tuple[str | None, str] | None = None  # (visit id, receipt number) of the last payment
        self._previous = ""

        def staff() -> Any:
            return ctx.staff

        def visit() -> str | None:
            return ctx.visit_id

        self.directory_vm = DirectoryViewModel(counter, runner, staff, self)
        self.questions_vm = QuestionsViewModel(counter, runner, staff, visit, self)
        self.referral_vm = ReferralViewModel(counter, runner, staff, visit, self)
        self.list_vm = ReferralListViewModel(counter, runner, staff, self)
        self.dashboard_vm = DashboardViewModel(counter, runner, self)

        self.questions = QuestionsScreen(self.questions_vm, self.directory_vm, ctx.prompts, self._service_name)
        self.referral = ReferralScreen(self.referral_vm, self.directory_vm, ctx.prompts,
                                       lambda: self.questions_vm.topics)
        self.referrals = ReferralListScreen(self.list_vm, self.directory_vm)
        self.directory = DirectoryScreen(self.directory_vm)
        self.dashboard = DashboardScreen(self.dashboard_vm, self.questions_vm.topic_label, self._department_name)
        for name, widget, title, keys, hints in (
            ("questions", self.questions, "Questions", questions_screen.KEYS, questions_screen.HINT_KEYS),
            ("referral", self.referral, "Referral to a specialist", referral_screen.KEYS,
             referral_screen.HINT_KEYS),
            ("referrals", self.referrals, "Referrals", referral_list.KEYS, referral_list.HINT_KEYS),
            ("directory", self.directory, "Directory of departments", directory_screen.KEYS,
             directory_screen.HINT_KEYS),
            ("dashboard", self.dashboard, "Today's dashboard", dashboard_screen.KEYS, dashboard_screen.HINT_KEYS),
        ):
            ctx.register_screen(name, widget, title, keys, hints)

        # keys
        self._tender_keys: list[QShortcut] = []
        self._key("F6", self.open_questions, "Questions: the knowledge base",
                  tender_free=True)
        self._key("F8", self.new_referral, "New referral to a specialist",
                  tender_free=True)
        self._key("Ctrl+F8", self.open_referrals, "Referral list")
        self._key("Ctrl+D", self.open_directory, "Directory and who is on duty")
        self._key("Ctrl+F9", self.open_dashboard, "Today's dashboard")
        for number in range(1, 10):
            ctx.add_shortcut(f"Alt+{number}", partial(self.quick_topic, number))
        _help("Alt+1 … Alt+9", "Log a quick topic in one key")

        # events
        self.questions.refer.connect(self.refer_from_article)
        self.questions.take_payment.connect(self.take_payment)
        self.questions.quick_topic.connect(self.quick_topic)
        self.questions_vm.logged.connect(self._logged)
        self.questions_vm.failed.connect(self._questions_failed)
        self.referral.finished.connect(self._back_to)
        self.referral.created.connect(self._referral_created)
        self.referrals.back.connect(self._go_payment)
        self.directory.back.connect(self.open_referrals)
        self.dashboard.back.connect(self._go_payment)
        ctx.signed_in.connect(self._signed_in)
        ctx.signed_out.connect(self._signed_out)
        ctx.resident_changed.connect(self._resident_changed)
        ctx.payment_completed.connect(self._payment_completed)
        ctx.screen_shown.connect(self._screen_shown)

        self.questions_vm.load_topics()
        self.directory_vm.refresh()
        self._update_tender_keys()

    # -- keys ----------------------------------------------------------------------------------------------------
    def _key(self, keys: str, slot: Any, help_text: str, tender_free: bool = False) -> None:
        if not tender_free:
            self.ctx.add_shortcut(keys, slot)
        else:
            shortcut = QShortcut(QKeySequence(keys), self.ctx.window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._tender_keys.append(shortcut)
        _help(keys, help_text)

    def _update_tender_keys(self) -> None:
        enabled = self.ctx.staff is not None and self.ctx.window.current != "tender"
        for shortcut in self._tender_keys:
            shortcut.setEnabled(enabled)

    # -- navigation ------------------------------------------------------------------------------------------------
    def _show(self, name: str) -> bool:
        if self.ctx.staff is None:
            return False
        self.ctx.show_screen(name)
        return True

    def _go_payment(self) -> None:
        self.ctx.window.go_payment()

    def _back_to(self, name: str) -> None:
        if name in ("payment", "", "login") or name not in self.ctx.window.screens:
            self._go_payment()
        else:
            self._show(name)

    def open_questions(self) -> None:
        if self._show("questions"):
            self.questions.focus_search()

    def open_referrals(self) -> None:
        self._show("referrals")

    def open_directory(self) -> None:
        self._show("directory")

    def open_dashboard(self) -> None:
        self._show("dashboard")

    def _screen_shown(self, name: str) -> None:
        previous, self._previous = self._previous, name
        self._update_tender_keys()
        if previous == "dashboard" and name != "dashboard":
            self.dashboard.leave()
        if previous == "directory" and name != "directory":
            self.directory.leave()
        if name == "dashboard":
            self.dashboard.enter()
        elif name == "directory":
            self.directory.enter()
        elif name == "referrals":
            self.referrals.enter()
        elif name == "questions":
            self.questions.focus_search()
        elif name == "referral":
            self.referral.focus_first()

    # -- questions -----------------------------------------------------------------------------------------------
    def quick_topic(self, number: int) -> None:
        if self.ctx.staff is None:
            return
        topic = next((t for t in self.questions_vm.quick_topics if t.quick_key == number), None)
        if topic is None:
            self.ctx.tell(f"Alt+{number} is not set for any topic.", "error")
            return
        self.questions_vm.log_quick_topic(topic)

    def _logged(self, logged: Logged) -> None:
        if self.ctx.window.current != "questions":
            self.ctx.tell(logged.message, "success")
        self._refresh_dashboard()

    def _questions_failed(self, message: str, _field: str) -> None:
        if self.ctx.window.current != "questions":
            self.ctx.tell(message, "error")

    def take_payment(self, article: Article) -> None:
        window = self.ctx.window
        vm, screen = window.payment_vm, window.payment
        if vm is None or screen is None:
            return
        services = []
        for code in article.related_services:
            try:
                services.append(vm.service(code))
            except UserError:
                continue
        if not services:
            self.questions.show_error("The related service is not in the fee schedule: use the payment screen (F2).")
            return
        service = services[0]
        window.go_payment()
        if window.current != "payment":
            return
        if service.kind is LineKind.FIXED:
            vm.add_fixed(service.code)
        else:
            screen.pick(service)  # a bill: the account field waits for the scan; an open amount: its panel

    # -- referrals -----------------------------------------------------------------------------------------------
    def _receipt_of_visit(self) -> str:
        if self.last_receipt is not None and self.last_receipt[0] == self.ctx.visit_id:
            return self.last_receipt[1]
        return ""

    def new_referral(self) -> None:
        if self.ctx.staff is None:
            return
        if self.ctx.window.current == "referral" and self.referral.pages.currentWidget() is self.referral.form:
            self.referral.focus_first()
            return
        came_from = self.ctx.window.current
        self.referral.open_form(ReferralStart(related_receipt=self._receipt_of_visit(),
                                              came_from="payment" if came_from == "referral" else came_from))
        self._show("referral")

    def refer_from_article(self, article: Article, typed: str) -> None:
        directory = self.directory_vm
        department = directory.department_of_role(article.refer_role) or directory.departments.get(article.department)
        role = ""
        if department is not None:
            role = article.refer_role if article.refer_role and department.role_name(article.refer_role) else (
                department.roles[0][0] if department.roles else "")
        question = " ".join(typed.split())
        description = f"Resident asks about: {question}. Article: {article.title}." if question \
            else f"Resident asks about: {article.title}."
        self.referral.open_form(ReferralStart(
            department=department.code if department else "", role=role, topic=article.topic,
            description=description, what_to_bring=article.what_to_bring, article_title=article.title,
            started_at=self.questions_vm.started_at, related_receipt=self._receipt_of_visit(), came_from="questions",
        ))
        self._show("referral")

    def _referral_created(self, _referral: Any) -> None:
        if self.referral.start.came_from == "questions":
            self.questions_vm.new_question()
        self._refresh_dashboard()

    # -- events ----------------------------------------------------------------------------------------------------
    def _signed_in(self, _staff: Any) -> None:
        self._update_tender_keys()
        self.directory_vm.refresh()
        if not self.questions_vm.topics:
            self.questions_vm.load_topics()

    def _signed_out(self) -> None:
        self._update_tender_keys()
        self.directory_vm.end_editing()
        self.dashboard.leave()
        self.questions.reset()
        self.last_receipt = None

    def _resident_changed(self, _visit_id: str) -> None:
        self.questions.reset()

    def _payment_completed(self, result: Any) -> None:
        number = getattr(result, "receipt_number", "")
        snapshot = getattr(result, "snapshot", None)
        if number and getattr(snapshot, "kind", "sale") == "sale":
            self.last_receipt = (self.ctx.visit_id, number)
        self._refresh_dashboard()

    def _refresh_dashboard(self) -> None:
        if self.dashboard_vm.counts is not None or self.ctx.window.current == "dashboard":
            self.dashboard_vm.refresh()

    # -- names for the screens -------------------------------------------------------------------------------------
    def _service_name(self, code: str) -> str:
        vm = self.ctx.window.payment_vm
        if vm is None:
            return code
        try:
            service = vm.service(code)
        except UserError:
            return ""
        from counter_app.ui.table_models import price_text

        return f"{service.name.split(' (')[0]} ({price_text(service)})"

    def _department_name(self, code: str) -> str:
        department = self.directory_vm.departments.get(code)
        return department.name if department else code


def _help(keys: str, text: str) -> None:
    """List a window-wide key in the F1 help once (a window built again in the same process adds nothing)."""
    if all(existing != keys for existing, _text in keymap.GLOBAL_KEYS):
        keymap.GLOBAL_KEYS = (*keymap.GLOBAL_KEYS, (keys, text))
