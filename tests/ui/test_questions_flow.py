"""General questions by keyboard only: search as you type, log an answer in one key, quick topics, bad input."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from counter_app.services.container import Counter
from counter_app.ui.main_window import MainWindow
from counter_app.ui.questions_screen import QuestionsScreen
from counter_app.visits.model import Interaction, InteractionKind

from .helpers import WAIT_MS, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _questions(window: MainWindow) -> QuestionsScreen:
    screen = window.screens["questions"]
    assert isinstance(screen, QuestionsScreen)
    return screen


def _settled(qtbot: object, screen: QuestionsScreen) -> None:
    qtbot.waitUntil(lambda: screen.vm.settled, timeout=WAIT_MS)  # type: ignore[attr-defined]


def _information(counter: Counter) -> list[Interaction]:
    return [i for i in counter.visits.interactions_on() if i.kind is InteractionKind.INFORMATION]


def test_search_as_you_type_then_log_the_answer_with_one_key(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    kb.press(Qt.Key.Key_F6)
    assert cashier.current == "questions"
    screen = _questions(cashier)
    assert screen.search.hasFocus()

    kb.type("dog lic")  # results arrive while typing, without waiting for Enter
    _settled(qtbot, screen)
    first = screen.selected()
    assert first is not None and first.id == "animals-dog-licence"
    assert screen.panel.answer.text() == first.answer  # the answer is on screen at once
    assert "Licensing clerk" in screen.panel.refer.text()

    kb.select_all()
    kb.type("garbage pick up day")
    kb.actions = 0
    kb.enter()  # typed ahead of the results: logs the best article once they are in
    qtbot.waitUntil(lambda: "Logged as answered" in screen.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    article = screen.selected()
    assert article is not None and article.topic == "waste_recycling"
    assert kb.actions == 1  # one key logs the answer

    logged = _information(counter)
    assert len(logged) == 1
    item = logged[0]
    assert item.article_id == article.id and item.topic == article.topic
    assert cashier.features is not None and item.visit_id == cashier.features.visit_id
    assert item.started_at <= item.ended_at

    kb.enter()  # the same question again: not logged twice
    qtbot.wait(50)  # type: ignore[attr-defined]
    cashier.runner.wait()
    QApplication.processEvents()
    assert len(_information(counter)) == 1 and "Already logged" in screen.notice.text()

    kb.type("bus pass")  # the logged text was selected: the next question replaces it
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: len(_information(counter)) == 2, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert _information(counter)[-1].topic == "transit"

    # typing on before the results are back: only the newest text's results are shown
    kb.press(Qt.Key.Key_Escape)
    kb.type("transit")
    qtbot.wait(60)  # type: ignore[attr-defined]
    kb.select_all()
    kb.type("cemetery plot")
    _settled(qtbot, screen)
    cashier.runner.wait()
    QApplication.processEvents()
    newest = screen.selected()
    assert screen.search.text() == "cemetery plot" and newest is not None and newest.topic == "cemetery"

    # bad searches: the message is next to the field, and Enter logs nothing
    for text, message in (("x" * 201, "limited to 200 characters"), ("4111 1111 1111 1111", "card")):
        screen.search.setText(text)  # pasted
        screen.search.textEdited.emit(text)
        _settled(qtbot, screen)
        assert screen.search_error.isVisible() and message in screen.search_error.text().lower()
        assert screen.hits.rowCount() == 0
        kb.enter()
        cashier.runner.wait()
        QApplication.processEvents()
        assert len(_information(counter)) == 2


def test_a_quick_topic_key_logs_one_question_in_one_action(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    assert cashier.current == "payment"
    kb.press(Qt.Key.Key_3, ALT)  # transit, straight from the payment screen
    qtbot.waitUntil(lambda: len(_information(counter)) == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    item = _information(counter)[0]
    assert item.topic == "transit" and item.article_id is None
    assert cashier.features is not None and item.visit_id == cashier.features.visit_id
    assert kb.actions == 1
    assert cashier.payment is not None
    qtbot.waitUntil(lambda: "Transit" in cashier.payment.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]

    kb.press(Qt.Key.Key_F6)
    screen = _questions(cashier)
    assert len(screen.quick_buttons) == 9
    kb.press(Qt.Key.Key_1, ALT)
    qtbot.waitUntil(lambda: len(_information(counter)) == 2, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert _information(counter)[-1].topic == "utilities"
    qtbot.waitUntil(lambda: "Utilities" in screen.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]


def _type_any(kb: Keyboard, text: str) -> None:
    """ASCII through QTest's keyboard; any other character as the key event an input method sends."""
    for ch in text:
        if ch in string.printable and ch not in "\t\n\r\x0b\x0c":
            kb.type(ch)
        else:
            target = kb.target()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


TYPED = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.text(alphabet=string.punctuation + " ", max_size=20),
    st.sampled_from(['"', "*", "NEAR(", ")", "AND OR NOT", "title:", "a" * 250, "^", "'; DROP TABLE kb_fts; --"]),
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TYPED)
def test_typing_anything_never_raises(qtbot: object, cashier: MainWindow, kb: Keyboard, text: str) -> None:
    if cashier.current != "questions":
        kb.press(Qt.Key.Key_F6)
    screen = _questions(cashier)
    kb.press(Qt.Key.Key_Escape)
    if len(text) > 40:
        screen.search.setText(text)  # pasted rather than typed: keeps the test quick
        screen.search.textEdited.emit(text)
    else:
        _type_any(kb, text)
    _settled(qtbot, screen)
    # the screen says something: results, "no article matches", a message by the field, or the welcome text
    shown = (screen.hits.rowCount() > 0 or screen.empty.isVisible() or screen.search_error.isVisible()
             or not text.strip() or not any(ch.isalnum() for ch in text))
    assert shown
