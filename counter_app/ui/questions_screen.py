"""The questions screen: type the resident's question, read the answer aloud, log it with one key.

Left: the search field (search as you type) and the ranked articles. Right: the highlighted article at once, in
large type: the answer, the steps, the related services and who to refer to. Bottom: the quick topics
(Alt+1 ... Alt+9), which log a question on a common topic in one key for a busy queue.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.prompts import Prompts, paint_pages
from counter_app.ui.questions_tables import HitsModel
from counter_app.ui.questions_view_model import LETTER_PT, Logged, QuestionsViewModel
from counter_app.ui.widgets import FieldError, HintBar, Notice, ScanField, add_shortcut, set_state

if TYPE_CHECKING:
    from counter_app.questions.article import Article
    from counter_app.ui.directory_view_model import DirectoryViewModel
    from counter_app.visits.model import Topic

#: What the cashier sees before typing.
WELCOME = ("Type the resident's question in a few words, e.g. “garbage day”, “dog licence”, “bus pass”, "
           "“tax due date”. The best answer shows here at once.")
QUICK_HELP = "Quick topics: one key logs one question on the topic (no article needed)"

#: The keys of this screen, for the F1 help and the strip at its foot.
KEYS: tuple[tuple[str, str], ...] = (
    ("Type", "Search the knowledge base as you type"),
    ("Up / Down", "Move in the articles found"),
    ("Enter / Ctrl+Enter", "Log the question as answered (one key)"),
    ("Ctrl+P", "Print the article as a handout (letter)"),
    ("Ctrl+S", "Save the handout as PDF"),
    ("Ctrl+T", "Take the related payment"),
    ("Ctrl+R", "Refer to the article's specialist"),
    ("Alt+1 … Alt+9", "Log a quick topic in one key"),
    ("Esc", "Clear the search for the next question"),
)
HINT_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Log answered"), ("Ctrl+P", "Handout"), ("Ctrl+T", "Take payment"), ("Ctrl+R", "Refer"),
    ("Alt+1–9", "Quick topic"), ("Esc", "Clear"), ("F1", "Help"),
)


def _label(text: str, name: str, wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class ArticlePanel(QFrame):
    """The highlighted article, big enough to read aloud from arm's length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articlePanel")
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 14, 20, 14)
        box.setSpacing(6)
        self.title = _label("", "articleTitle", wrap=True)
        self.meta = _label("", "articleMeta", wrap=True)
        self.answer = _label(WELCOME, "articleAnswer", wrap=True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.steps = _label("", "articleSteps", wrap=True)
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.related = _label("", "articleRelated", wrap=True)
        self.refer = _label("", "articleRefer", wrap=True)
        for widget in (self.title, self.meta, self.answer, self.steps, self.related, self.refer):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            box.addWidget(widget)
        box.addStretch(1)
        self.show_article(None)

    def show_article(self, article: Article | None, meta: str = "", related: str = "", refer: str = "") -> None:
        visible = article is not None
        for widget in (self.title, self.meta, self.steps, self.related, self.refer):
            widget.setVisible(visible)
        if article is None:
            self.answer.setText(WELCOME)
            set_state(self.answer, "tone", "welcome")
            return
        set_state(self.answer, "tone", "answer")
        self.title.setText(article.title)
        self.meta.setText(meta)
        self.answer.setText(article.answer)
        items = "".join(f"<li>{html.escape(step)}</li>" for step in article.steps)
        self.steps.setText(f"<ol style='margin-left: 0px; -qt-list-indent: 1;'>{items}</ol>" if items else "")
        self.steps.setVisible(bool(items))
        self.related.setText(related)
        self.related.setVisible(bool(related))
        self.refer.setText(refer)
        self.refer.setVisible(bool(refer))

    def show_message(self, text: str) -> None:
        self.show_article(None)
        self.answer.setText(text)


class QuickTopicButton(QPushButton):
    """A quick topic: its key on top, its name under it (wrapped), one click or one key logs it."""

    def __init__(self, number: int, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickTopic")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(70)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 5, 8, 5)
        box.setSpacing(2)
        key = _label(f"Alt+{number}", "quickKey")
        name = _label(label, "quickName", wrap=True)
        for widget in (key, name):
            widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(key, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(name, 1)


class QuestionsScreen(QWidget):
    refer = Signal(object, str)  # Article, what the cashier typed
    take_payment = Signal(object)  # Article
    quick_topic = Signal(int)  # 1..9

    def __init__(self, vm: QuestionsViewModel, directory: DirectoryViewModel, prompts: Prompts,
                 service_name: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionsScreen")
        self.vm = vm
        self.directory = directory
        self.prompts = prompts
        self.service_name = service_name
        self.article: Article | None = None
        self._logged_article: str | None = None  # logged for the text in the field: Enter again does not log twice

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 8)
        body.setSpacing(8)
        outer.addLayout(body, 1)
        outer.addWidget(HintBar(HINT_KEYS))

        row = QHBoxLayout()
        row.setSpacing(16)
        body.addLayout(row, 1)

        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(_label("The resident's question", "sectionTitle"))
        self.search = ScanField()
        self.search.setObjectName("questionSearch")
        self.search.setPlaceholderText("Type a few words: garbage day, dog licence…")
        left.addWidget(self.search)
        self.search_error = FieldError()
        left.addWidget(self.search_error)
        self.notice = Notice()
        left.addWidget(self.notice)
        self.hits = HitsModel(vm.topic_label, self)
        self.hit_view = QTableView()
        self.hit_view.setObjectName("articleList")
        self.hit_view.setModel(self.hits)
        self.hit_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hit_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hit_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.hit_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hit_view.setShowGrid(False)
        self.hit_view.setWordWrap(False)
        self.hit_view.verticalHeader().hide()
        self.hit_view.verticalHeader().setDefaultSectionSize(34)
        self.hit_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.hit_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(HitsModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(HitsModel.TOPIC, QHeaderView.ResizeMode.ResizeToContents)
        left.addWidget(self.hit_view, 1)
        self.empty = _label("", "muted", wrap=True)
        self.empty.hide()
        left.addWidget(self.empty)
        row.addLayout(left, 37)

        self.panel = ArticlePanel()
        scroll = QScrollArea()
        scroll.setObjectName("articleScroll")
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.panel)
        self.article_scroll = scroll
        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(scroll, 1)
        self.action_bar = QFrame()
        self.action_bar.setObjectName("articleActions")
        actions = QHBoxLayout(self.action_bar)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(8)
        for key, text in (("Enter", "Log as answered"), ("Ctrl+P", "Print handout"), ("Ctrl+T", "Take payment"),
                          ("Ctrl+R", "Refer")):
            cap = _label(key, "bigKeyCap")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            actions.addWidget(cap)
            actions.addWidget(_label(text, "actionText"))
            actions.addSpacing(6)
        actions.addStretch(1)
        right.addWidget(self.action_bar)
        row.addLayout(right, 63)

        self.quick = QFrame()
        self.quick.setObjectName("quickTopics")
        quick_box = QVBoxLayout(self.quick)
        quick_box.setContentsMargins(10, 6, 10, 8)
        quick_box.setSpacing(4)
        quick_box.addWidget(_label(QUICK_HELP, "quickTitle"))
        self.quick_grid = QGridLayout()
        self.quick_grid.setHorizontalSpacing(8)
        quick_box.addLayout(self.quick_grid)
        body.addWidget(self.quick)
        self.quick_buttons: list[QuickTopicButton] = []

        self.setFocusProxy(self.search)
        self.search.textEdited.connect(self._typed)
        self.search.returnPressed.connect(self.log_answered)
        self.search.navigate.connect(self._move)
        vm.results.connect(self._results)
        vm.search_failed.connect(self._search_failed)
        vm.topics_loaded.connect(self._build_quick_topics)
        vm.logged.connect(self._logged)
        vm.failed.connect(lambda message, _field: self.notice.say(message, "error"))
        vm.handout_printed.connect(lambda title: self.notice.say(f"Handout sent to the printer: {title}", "success"))
        vm.handout_saved.connect(lambda path: self.notice.say(f"Handout saved: {path}", "success"))
        directory.loaded.connect(self._show_selected)
        self.hit_view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_selected())

        add_shortcut(self, "Ctrl+Return", self.log_answered)
        add_shortcut(self, "Ctrl+Enter", self.log_answered)
        # keys typed ahead of the results act on the results of what was typed
        add_shortcut(self, "Ctrl+P", lambda: vm.when_settled(self.print_handout))
        add_shortcut(self, "Ctrl+S", lambda: vm.when_settled(self.save_handout))
        add_shortcut(self, "Ctrl+T", lambda: vm.when_settled(self._take_payment))
        add_shortcut(self, "Ctrl+R", lambda: vm.when_settled(self._refer))
        add_shortcut(self, "Esc", self.clear)
        self._build_quick_topics()

    # -- typing and results ------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _typed(self, text: str) -> None:
        self.search_error.clear_message()
        self._logged_article = None
        self.vm.type(text)

    def _results(self, text: str, hits: list[Any]) -> None:
        self.search_error.clear_message()
        self.hits.set_rows(hits)
        if hits:
            self.empty.hide()
            self.hit_view.selectRow(0)
            self.hit_view.scrollToTop()
        else:
            self.empty.setText(f"No article matches “{text.strip()[:40]}”. Try other words, or log a quick topic "
                               "(Alt+1 … Alt+9)." if text.strip() else "")
            self.empty.setVisible(bool(text.strip()))
        self._show_selected()

    def _search_failed(self, message: str) -> None:
        self.hits.set_rows([])
        self.empty.hide()
        self.search_error.show_message(message)
        self._show_selected()

    def _move(self, step: int) -> None:
        count = self.hits.rowCount()
        if not count:
            return
        current = self.hit_view.currentIndex().row()
        row = min(max(0, (current if current >= 0 else 0) + step), count - 1)
        self.hit_view.selectRow(row)
        self.hit_view.scrollTo(self.hits.index(row, 0))

    def selected(self) -> Article | None:
        row = self.hit_view.currentIndex().row()
        if 0 <= row < self.hits.rowCount():
            return self.hits.row(row).article
        return None

    def _show_selected(self) -> None:
        article = self.selected()
        if article is not None and self._logged_article not in (None, article.id):
            self._logged_article = None
        self.article = article
        if article is None:
            self.panel.show_article(None)
            self.action_bar.setVisible(False)
            return
        self.action_bar.setVisible(True)
        self.panel.show_article(article, self._meta(article), self._related(article), self._refer_text(article))
        self.article_scroll.verticalScrollBar().setValue(0)

    def _meta(self, article: Article) -> str:
        department = self.directory.departments.get(article.department)
        parts = [self.vm.topic_label(article.topic), department.name if department else article.department,
                 f"reviewed {article.last_reviewed:%b %-d, %Y}"]
        return " · ".join(parts)

    def _related(self, article: Article) -> str:
        if not article.related_services:
            return ""
        names = [self.service_name(code) for code in article.related_services[:4]]
        return "Related payment: " + " · ".join(n for n in names if n)

    def _refer_text(self, article: Article) -> str:
        role = article.refer_role
        department = self.directory.department_of_role(role)
        if not role or department is None:
            return ""
        text = f"Refer to: {self.directory.role_name(role)}, {department.name} ({department.room}, " \
               f"ext. {department.extension})"
        duty = self.directory.on_duty_text(role)
        return f"{text}\n{duty}" if duty else text

    # -- actions -----------------------------------------------------------------------------------------------
    def log_answered(self) -> None:
        self.vm.when_settled(self._log_now)

    def _log_now(self) -> None:
        if not self.isVisible():
            return  # an Enter typed ahead of another screen's arrival
        article = self.selected()
        if article is None:
            if self.search_error.isVisible():
                return
            self.notice.say("No article to log: type the question, or log a quick topic (Alt+1 … Alt+9).", "error")
            return
        if self._logged_article == article.id:
            self.notice.say("Already logged for this question: type the next one.", "info")
            return
        self._logged_article = article.id
        self.notice.say("Logging…", "info")
        self.vm.log_answered(article)

    def _logged(self, logged: Logged) -> None:
        self.notice.say(logged.message, "success")
        if logged.article_id is not None:
            self.search.selectAll()  # typing the next question replaces this one

    def _take_payment(self) -> None:
        article = self.selected()
        if article is None or not article.related_services:
            self.notice.say("This article has no related payment. F2 goes to the payment screen.", "error")
            return
        self.take_payment.emit(article)

    def _refer(self) -> None:
        article = self.selected()
        if article is None:
            self.notice.say("Choose an article first, or press F8 for an empty referral form.", "error")
            return
        self.refer.emit(article, self.search.text())

    def _names(self, article: Article) -> tuple[str, str]:
        department = self.directory.department_of_role(article.refer_role)
        if department is None:
            found = self.directory.departments.get(article.department)
            return (found.name if found else ""), ""
        return department.name, self.directory.role_name(article.refer_role)

    def print_handout(self) -> None:
        article = self.selected()
        if article is None:
            self.notice.say("Choose an article to print.", "error")
            return
        printer = self.prompts.printer(self, LETTER_PT)
        self.search.setFocus()
        if printer is None:
            self.notice.say("Not printed.", "info")
            return

        def paint(images: list[Any]) -> None:
            try:
                paint_pages(printer, images)
            except OSError as exc:
                self.notice.say(f"The printer did not take the handout ({exc}). Check it and press Ctrl+P.", "error")

        self.notice.say("Printing the handout…", "info")
        department, role = self._names(article)
        self.vm.print_handout(article, department, role, min(float(printer.resolution()), 300.0), paint)

    def save_handout(self) -> None:
        article = self.selected()
        if article is None:
            self.notice.say("Choose an article to save.", "error")
            return
        path = self.prompts.save_path(self, f"handout-{article.id}.pdf")
        self.search.setFocus()
        if path:
            department, role = self._names(article)
            self.notice.say("Saving the handout…", "info")
            self.vm.save_handout(article, department, role, path)

    def clear(self) -> None:
        """Esc: an empty field for the next question."""
        self.search.clear()
        self._typed("")
        self.notice.say("")
        self.search.setFocus()

    def reset(self) -> None:
        """A new resident."""
        self.clear()
        self.vm.new_question()

    # -- quick topics ------------------------------------------------------------------------------------------
    def _build_quick_topics(self) -> None:
        for button in self.quick_buttons:
            self.quick_grid.removeWidget(button)
            button.deleteLater()
        self.quick_buttons = []
        topics: list[Topic] = self.vm.quick_topics[:9]
        for column, topic in enumerate(topics):
            number = topic.quick_key or column + 1
            button = QuickTopicButton(number, topic.label)
            button.clicked.connect(lambda _c=False, n=number: self.quick_topic.emit(n))
            self.quick_grid.addWidget(button, 0, column)
            self.quick_grid.setColumnStretch(column, 1)
            self.quick_buttons.append(button)
        self.quick.setVisible(bool(topics))

    def show_error(self, message: str, field: str = "") -> None:
        if field == "search":
            self.search_error.show_message(message)
        else:
            self.notice.say(message, "error")
