"""Referrals by keyboard only: from an article to a walk-in hand-off with the resident's consent and a printed slip;
the list with a supervisor's status change; the directory's on-duty switch."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.referrals.contact import make_contact
from counter_app.referrals.referral import Mode, ReferralRequest
from counter_app.services.container import Counter
from counter_app.ui.directory_screen import DirectoryScreen
from counter_app.ui.main_window import MainWindow
from counter_app.ui.referral_list import ReferralListScreen
from counter_app.ui.referral_screen import ReferralScreen
from counter_app.visits.model import Interaction, InteractionKind

from .helpers import WAIT_MS, FakePrompts, Keyboard

CTRL = Qt.KeyboardModifier.ControlModifier


def _referrals(counter: Counter) -> list[Interaction]:
    return [i for i in counter.visits.interactions_on() if i.kind is InteractionKind.REFERRAL]


def _dialog_active(qtbot: object) -> None:
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]


def test_walk_in_referral_with_consent_from_an_article_and_its_slip(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter, prompts: FakePrompts
) -> None:
    kb.press(Qt.Key.Key_F6)
    kb.type("water bill higher than usual")
    kb.press(Qt.Key.Key_R, CTRL)  # refer to the article's specialist (acts once the results are in)
    qtbot.waitUntil(lambda: cashier.current == "referral", timeout=WAIT_MS)  # type: ignore[attr-defined]
    screen = cashier.screens["referral"]
    assert isinstance(screen, ReferralScreen)
    form = screen.form
    assert form.department.currentData() == "UTIL" and form.role.currentData() == "UTIL-BILL"
    assert form.topic.currentData() == "utilities" and form.walk_in.isChecked()
    assert "water bill higher than usual" in form.description.toPlainText()
    assert "Marc Lavoie" in form.on_duty.text()
    assert form.description.hasFocus()

    for _ in range(4):  # reason -> address -> account -> receipt -> consent (a walk-in has no callback window)
        kb.enter()
    assert form.consent.hasFocus()
    kb.enter()  # not ticked (yet)
    kb.type("Maria")
    kb.enter()
    kb.type("Okafor")
    kb.enter()
    kb.type("403-555-0142")
    kb.press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(form.errors["consent"].isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "consent" in form.errors["consent"].text().lower() and form.consent.hasFocus()
    cashier.runner.wait()
    QApplication.processEvents()
    assert counter.referrals.listing(counter.clock.today()) == [] and _referrals(counter) == []

    kb.press(Qt.Key.Key_Space)  # the resident agrees
    assert not form.errors["consent"].isVisible()
    kb.press(Qt.Key.Key_Return, CTRL)
    page = screen.done_page
    qtbot.waitUntil(lambda: screen.slip is not None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    referral = screen.vm.referral
    assert referral is not None and referral.mode is Mode.WALK_IN
    assert page.call_text.text() == "Specialist Marc Lavoie (ext. 3321) has been called to the counter."
    assert page.reference.text() == referral.reference == referral.token
    stored = counter.referrals.listing(counter.clock.today())
    assert [r.id for r in stored] == [referral.id] and stored[0].contact.name == "Maria Okafor"
    interactions = _referrals(counter)
    assert cashier.features is not None
    assert len(interactions) == 1 and interactions[0].visit_id == cashier.features.visit_id
    assert interactions[0].topic == "utilities" and interactions[0].referral_id == referral.id

    kb.press(Qt.Key.Key_H, CTRL)  # the specialist arrived
    qtbot.waitUntil(lambda: counter.referrals.get(referral.id).handoff_at is not None,  # type: ignore[attr-defined,union-attr]
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "hand-off recorded" in page.call_text.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]

    kb.press(Qt.Key.Key_S, CTRL)
    path = prompts.saved[-1]
    qtbot.waitUntil(lambda: path.exists() and "Saved" in page.notice.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    flat = " ".join(text.split())
    assert referral.reference in flat
    assert "Utility Services" in flat and "Billing specialist" in flat
    assert "Questions? Call 311" in flat and "Maria Okafor" in flat
    assert "previous bill" in flat  # what to bring, from the article
    assert "Marc Lavoie" in flat

    kb.enter()  # done: back to the questions screen
    assert cashier.current == "questions"


def test_supervisor_updates_a_referral_and_the_directory(
    qtbot: object, cashier: MainWindow, kb: Keyboard, counter: Counter
) -> None:
    assert cashier.staff is not None
    referral = counter.referrals.create(ReferralRequest(
        department_code="TAX", role_code="TAX-CLERK", description="Penalty charged although paid on time",
        mode=Mode.CALLBACK, contact=make_contact("Lee", "Wong", "403-555-0199", "", True),
        callback_window="Morning 8:30-12:00", topic="tax"), cashier.staff)

    kb.press(Qt.Key.Key_F8, CTRL)
    screen = cashier.screens["referrals"]
    assert isinstance(screen, ReferralListScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.enter()
    qtbot.waitUntil(lambda: referral.reference in screen.detail.title.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert "Lee Wong" in screen.detail.lines.text()

    kb.press(Qt.Key.Key_U, CTRL)  # a cashier: the supervisor types their number and PIN
    _dialog_active(qtbot)
    kb.enter()  # status: acknowledged (the next one)
    kb.type("Called back, refund of the penalty requested")
    kb.enter()
    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]
    updated = counter.referrals.get(referral.id)
    assert updated is not None and updated.status.value == "acknowledged"
    notes = counter.referrals.notes(referral.id)
    assert notes[-1].note == "Called back, refund of the penalty requested" and notes[-1].staff_id != cashier.staff.id
    qtbot.waitUntil(lambda: "Acknowledged" in screen.detail.title.text(), timeout=WAIT_MS)  # type: ignore[attr-defined]

    cashier.activateWindow()
    qtbot.waitUntil(cashier.isActiveWindow, timeout=WAIT_MS)  # type: ignore[attr-defined]
    kb.press(Qt.Key.Key_D, CTRL)
    directory = cashier.screens["directory"]
    assert isinstance(directory, DirectoryScreen)
    qtbot.waitUntil(lambda: directory.specialists.rowCount() > 0, timeout=WAIT_MS)  # type: ignore[attr-defined]
    person = directory.specialists.row(directory.specialist_view.currentIndex().row())
    kb.press(Qt.Key.Key_Space)
    _dialog_active(qtbot)
    kb.type("2001")
    kb.enter()
    kb.type("999901")
    kb.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=WAIT_MS)  # type: ignore[attr-defined]

    def on_duty() -> bool:
        return next(s.on_duty for s in counter.directory.specialists() if s.id == person.id)

    qtbot.waitUntil(lambda: on_duty() is not person.on_duty, timeout=WAIT_MS)  # type: ignore[attr-defined]
    # Approved once on this screen: Space again needs no second dialog. After a modal dialog closes, an offscreen
    # window on a loaded machine does not always get the keyboard focus back; then the Space key's own slot runs.
    cashier.activateWindow()
    directory.specialist_view.setFocus()
    QApplication.processEvents()
    if directory.specialist_view.hasFocus():
        kb.press(Qt.Key.Key_Space)
    else:
        directory.toggle_on_duty()
    qtbot.waitUntil(lambda: on_duty() is person.on_duty, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert QApplication.activeModalWidget() is None
