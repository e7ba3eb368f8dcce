"""General questions: search as the cashier types (in the worker lane, stale answers dropped), log an answer or a
quick topic in one key, and print an article as a handout.

Typing never waits for the store: each keystroke restarts a short timer; when it fires, one search runs in the
worker lane. While it runs, more typing only marks the text as wanted, and the newest text is searched as soon as
the lane is free: results for text the cashier has already typed past are never shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.ui.view_models import describe

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from counter_app.questions.article import Article
    from counter_app.services.container import Counter
    from counter_app.services.records import StaffMember
    from counter_app.ui.workers import TaskRunner
    from counter_app.visits.model import Interaction, Topic

#: Typing pauses shorter than this are one search.
DEBOUNCE_MS = 120
#: Letter paper, in points: the handout's page size for the print dialog.
LETTER_PT = (612.0, 792.0)


@dataclass(frozen=True, slots=True)
class Logged:
    interaction: Interaction
    message: str
    article_id: str | None


class QuestionsViewModel(QObject):
    results = Signal(str, list)  # the text searched, list[SearchHit]
    search_failed = Signal(str)  # message for the search field
    topics_loaded = Signal()
    logged = Signal(object)  # Logged
    failed = Signal(str, str)  # message, field
    handout_printed = Signal(str)
    handout_saved = Signal(str)

    def __init__(self, counter: Counter, runner: TaskRunner, staff: Callable[[], StaffMember | None],
                 visit_id: Callable[[], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.counter = counter
        self._runner = runner
        self._staff = staff
        self._visit_id = visit_id
        self.topics: list[Topic] = []
        self.quick_topics: list[Topic] = []
        self.started_at: datetime | None = None  # when the cashier first typed for this question
        self.text = ""  # the newest text typed
        self._generation = 0  # bumped on every keystroke
        self._shown = 0  # generation of the results on screen
        self._in_flight = False
        self._when_settled: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)

    # -- topics ------------------------------------------------------------------------------------------------
    def load_topics(self) -> None:
        visits = self.counter.visits

        def work() -> tuple[list[Topic], list[Topic]]:
            return visits.topics(), visits.quick_topics()

        def done(result: Any) -> None:
            self.topics, self.quick_topics = result
            self.topics_loaded.emit()

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "topic")))

    def topic_label(self, code: str) -> str:
        return next((t.label for t in self.topics if t.code == code), code.replace("_", " ").capitalize())

    # -- searching ---------------------------------------------------------------------------------------------
    def type(self, text: str) -> None:
        """The search field changed (each keystroke); the search itself runs once typing pauses."""
        if self.started_at is None and text.strip():
            self.started_at = self.counter.clock.now()
        self.text = text
        self._generation += 1
        if not text.strip():
            self._timer.stop()
            self._shown = self._generation
            self.results.emit(text, [])
            self._settle()
            return
        self._timer.start()

    @property
    def settled(self) -> bool:
        """True when the results on screen are those of the text in the field."""
        return self._shown == self._generation and not self._timer.isActive()

    def when_settled(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the results for what is typed have arrived (Enter typed ahead)."""
        if self.settled:
            action()
        else:
            self._when_settled.append(action)
            if not self._timer.isActive() and not self._in_flight:
                self._search_now()

    def _settle(self) -> None:
        if self.settled:
            actions, self._when_settled = self._when_settled, []
            for action in actions:
                action()

    def _search_now(self) -> None:
        if self._in_flight:
            return  # searched again as soon as this one is back
        generation, text = self._generation, self.text
        self._in_flight = True
        self._runner.run(self.counter.questions.search, text,
                         done=lambda hits: self._found(generation, text, hits),
                         error=lambda exc: self._not_found(generation, exc))

    def _found(self, generation: int, text: str, hits: Any) -> None:
        self._in_flight = False
        if generation != self._generation:
            if not self._timer.isActive():
                self._search_now()  # the cashier typed on meanwhile: search what is there now
            return
        self._shown = generation
        self.results.emit(text, list(hits))
        self._settle()

    def _not_found(self, generation: int, exc: BaseException) -> None:
        self._in_flight = False
        if generation != self._generation:
            if not self._timer.isActive():
                self._search_now()
            return
        self._shown = generation
        message, _field = describe(exc, "search")
        self.search_failed.emit(message)
        self._settle()

    def new_question(self) -> None:
        """The next question (after logging one, or for the next resident): its time starts at the next key."""
        self.started_at = None

    # -- logging -----------------------------------------------------------------------------------------------
    def log_answered(self, article: Article) -> None:
        started = self.started_at
        message = f"Logged as answered: {article.title} ({self.topic_label(article.topic)})."
        self._log(article.topic, article.id, started, message)
        self.started_at = None

    def log_quick_topic(self, topic: Topic) -> None:
        self._log(topic.code, None, None, f"Logged one {topic.label} question.")

    def _log(self, topic: str, article_id: str | None, started: datetime | None, message: str) -> None:
        staff = self._staff()
        if staff is None:
            return
        visits, visit_id = self.counter.visits, self._visit_id()

        def work() -> Interaction:
            return visits.log_information(staff, topic, visit_id=visit_id, article_id=article_id, started_at=started)

        self._runner.run(work, done=lambda item: self.logged.emit(Logged(item, message, article_id)),
                         error=lambda e: self.failed.emit(*describe(e, "log")))

    # -- handouts ----------------------------------------------------------------------------------------------
    def _handout(self, article: Article, department_name: str, role_name: str) -> bytes:
        from counter_app.printing.handout_pdf import render_handout

        return render_handout(article, issuer=self.counter.payments.issuer, department_name=department_name,
                              role_name=role_name)

    def print_handout(self, article: Article, department_name: str, role_name: str, dpi: float,
                      paint: Callable[[list[QImage]], None]) -> None:
        def work() -> list[QImage]:
            from counter_app.ui.pdf_view import render_pages

            return render_pages(self._handout(article, department_name, role_name), scale=dpi / 72)

        def done(images: Any) -> None:
            paint(images)
            self.handout_printed.emit(article.title)

        self._runner.run(work, done=done, error=lambda e: self.failed.emit(*describe(e, "print")))

    def save_handout(self, article: Article, department_name: str, role_name: str, path: str) -> None:
        def work() -> str:
            Path(path).write_bytes(self._handout(article, department_name, role_name))
            return path

        def error(exc: BaseException) -> None:
            if isinstance(exc, OSError):
                self.failed.emit(f"Could not save the handout: {exc.strerror or exc}. Choose another folder.", "save")
            else:
                self.failed.emit(*describe(exc, "save"))

        self._runner.run(work, done=lambda p: self.handout_saved.emit(str(p)), error=error)
