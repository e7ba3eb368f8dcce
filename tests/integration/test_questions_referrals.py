"""Questions, visits and referrals through the real services and store (FTS5 on the shipped knowledge base)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.clock import FixedClock
from counter_app.errors import UserError
from counter_app.payments.catalog import TenderKind
from counter_app.payments.sale import Sale, make_tender
from counter_app.referrals.contact import Contact, make_contact
from counter_app.referrals.referral import Mode, ReferralRequest, Urgency
from counter_app.services.container import Counter

NOT_DRAWER = ("select record_type from outbox where record_type not like 'drawer%' "
              "and record_type != 'audit_event' order by seq")


def rows(counter: Counter, sql: str) -> list[tuple]:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [
        ("collection day", "waste-collection-schedule"),
        ("bus pass", "transit-monthly-passes"),
        ("power out", "utilities-electric-outage"),
        ("dog licence", "animals-dog-licence"),
        ("start utility", "utilities-start-stop-service"),
        ("parking appeal", "parking-appeal-ticket"),
        ("tax penalty", "tax-due-date-penalty"),
        ("compos", "waste-backyard-composter"),  # prefix while typing
        ("licences dogs", "animals-dog-licence"),  # stemming
    ],
)
def test_search_ranks_the_right_article_first(counter: Counter, typed: str, expected_first: str) -> None:
    hits = counter.questions.search(typed)
    assert hits and hits[0].article.id == expected_first
    assert hits[0].article.answer


def test_typos_are_tolerated(counter: Counter) -> None:
    assert counter.questions.search("garbege colection")[0].article.id == "waste-collection-schedule"
    assert counter.questions.search("transt pas")[0].article.topic == "transit"
    assert counter.questions.search("landfil")[0].article.id == "waste-landfill-hours-fees"


def test_search_limits_and_syntax(counter: Counter) -> None:
    with pytest.raises(UserError, match="limited to 200"):
        counter.questions.search("a" * 10_000)
    for typed in ['"', "*", "NEAR(", ")", "AND OR NOT", "title:dog", "'; DROP TABLE kb_articles; --"]:
        counter.questions.search(typed)
    assert rows(counter, "select count(*) from kb_articles")[0][0] >= 40


@given(st.text(max_size=250))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_search_never_raises_anything_but_a_clear_message(counter: Counter, typed: str) -> None:
    try:
        counter.questions.search(typed)
    except UserError as exc:
        assert "limited" in exc.message


def test_logging_an_answer_counts_it_by_topic(counter: Counter) -> None:
    staff = counter.auth.login("1001", "1111")
    visit = counter.visits.start_visit(staff)
    hit = counter.questions.search("green cart")[0]
    counter.visits.log_information(staff, hit.article.topic, visit_id=visit.id, article_id=hit.article.id)
    counter.visits.log_information(staff, "transit", visit_id=visit.id)
    with pytest.raises(UserError, match="topic"):
        counter.visits.log_information(staff, "astrology", visit_id=visit.id)
    counter.visits.end_visit(visit.id)
    counts = counter.visits.dashboard()
    assert counts.by_kind == {"information": 2}
    assert counts.by_topic == {"waste_recycling": 1, "transit": 1}
    kinds = [k for (k,) in rows(counter, NOT_DRAWER)]
    assert kinds == ["interaction", "interaction", "visit"]
    visit_record = json.loads(rows(counter, "select payload from outbox where record_type='visit'")[0][0])
    assert visit_record["interactions"] == 2


def test_payment_becomes_a_payment_interaction_of_the_visit(counter: Counter) -> None:
    staff = counter.auth.login("1001", "1111")
    visit = counter.visits.start_visit(staff)
    sale = Sale()
    counter.payments.add_line(sale, counter.payments.fixed_line("TR-ADULT"))
    sale.add_tender(make_tender(TenderKind.CASH, 8000))
    done = counter.payments.complete(sale, staff, visit_id=visit.id)
    [(kind, topic, txn, visit_id)] = rows(counter, "select kind, topic, transaction_id, visit_id from interactions")
    assert (kind, topic, txn, visit_id) == ("payment", "transit", done.transaction_id, visit.id)


def walk_in(counter: Counter) -> ReferralRequest:
    return ReferralRequest(
        department_code="UTIL", role_code="UTIL-BILL", description="Disputes the water charge after a leak",
        mode=Mode.WALK_IN, contact=make_contact("Ann", "Fehr", "403-555-0123", "", consent=True),
        account_number="1000-002", topic="utilities",
    )


def test_walk_in_referral_with_hand_off(counter: Counter, clock: FixedClock) -> None:
    staff = counter.auth.login("1001", "1111")
    referral = counter.referrals.create(walk_in(counter), staff)
    assert referral.token == "CH1-02-R00001" and referral.reference == referral.token
    assert referral.department_name == "Utility Services" and referral.status.value == "open"
    clock.advance(minutes=7)
    handed = counter.referrals.record_handoff(referral.id, staff)
    assert handed.handoff_at is not None
    with pytest.raises(UserError, match="already recorded"):
        counter.referrals.record_handoff(referral.id, staff)
    [(kind, referral_id)] = rows(counter, "select kind, referral_id from interactions")
    assert (kind, referral_id) == ("referral", referral.id)
    assert counter.visits.dashboard().referrals_by_department == {"Utility Services": 1}
    outbox = [k for (k,) in rows(counter, NOT_DRAWER)]
    assert outbox == ["referral", "interaction", "referral_note"]


def test_bad_referral_stores_nothing(counter: Counter) -> None:
    staff = counter.auth.login("1001", "1111")
    bad = ReferralRequest(department_code="UTIL", role_code="UTIL-BILL", description="call me",
                          mode=Mode.CALLBACK, contact=Contact(), topic="utilities")
    with pytest.raises(UserError, match="phone number or an email"):
        counter.referrals.create(bad, staff)
    assert rows(counter, "select count(*) from referrals") == [(0,)]
    assert rows(counter, "select count(*) from outbox where record_type not like 'drawer%' "
                "and record_type != 'audit_event'") == [(0,)]
    assert rows(counter, "select count(*) from visits") == [(0,)]
    # the token sequence is not consumed by a refused referral
    assert counter.referrals.create(walk_in(counter), staff).token == "CH1-02-R00001"


def test_supervisor_status_update_and_filters(counter: Counter) -> None:
    staff = counter.auth.login("1001", "1111")
    supervisor = counter.auth.login("2001", "999901")
    first = counter.referrals.create(walk_in(counter), staff)
    callback = ReferralRequest(
        department_code="TAX", role_code="TAX-CLERK", description="Wants to join the monthly TIPP plan",
        mode=Mode.CALLBACK, urgency=Urgency.SOON, callback_window="Morning 8:30-12:00",
        contact=make_contact("Raj", "Singh", "", "raj@example.ca", consent=True), topic="tax",
    )
    second = counter.referrals.create(callback, staff)
    with pytest.raises(UserError, match="Only a supervisor"):
        counter.referrals.update_status(first.id, "closed", "done", staff)
    counter.referrals.update_status(first.id, "closed", "Leak credit applied", supervisor)
    assert [r.id for r in counter.referrals.listing(status="open")] == [second.id]
    assert [r.id for r in counter.referrals.listing(department="TAX")] == [second.id]
    exported = counter.referrals.open311(counter.clock.today())
    assert [e["token"] for e in exported] == [first.token, second.token]
    assert exported[0]["status"] == "closed" and exported[0]["status_notes"] == "Leak credit applied"
    assert exported[1]["email"] == "raj@example.ca" and exported[1]["attributes"]["urgency"] == "soon"
    for key in ("requested_datetime", "expected_datetime", "updated_datetime"):
        assert datetime.fromisoformat(exported[1][key]).utcoffset() is not None


def test_directory_on_duty_is_editable_by_a_supervisor(counter: Counter) -> None:
    supervisor = counter.auth.login("2001", "999901")
    cashier = counter.auth.login("1001", "1111")
    on_duty = counter.directory.on_duty("UTIL-BILL")
    assert [s.name for s in on_duty] == ["Marc Lavoie"]
    with pytest.raises(UserError, match="Only a supervisor"):
        counter.directory.set_on_duty(on_duty[0].id, False, cashier)
    counter.directory.set_on_duty(on_duty[0].id, False, supervisor)
    assert counter.directory.on_duty("UTIL-BILL") == []
    with pytest.raises(UserError, match="extension"):
        counter.directory.update_department("UTIL", "Room 106", "12", "24", supervisor)
    counter.directory.update_department("UTIL", "Room 108", "3320", "16", supervisor)
    assert counter.directory.departments()["UTIL"].room == "Room 108"


def test_open_visits_are_closed_at_next_start(counter: Counter) -> None:
    from counter_app.app import build_counter

    staff = counter.auth.login("1001", "1111")
    visit = counter.visits.start_visit(staff)
    counter.visits.log_information(staff, "parking", visit_id=visit.id)
    counter.close()
    again = build_counter(counter.settings, clock=counter.clock)
    assert rows(again, "select count(*) from visits where ended_at is null") == [(0,)]
    assert rows(again, "select count(*) from outbox where record_type='visit'") == [(1,)]
    again.close()
