"""PINs (issue 10, items 9 and 11): ASCII digits only, 6 digits for supervisors and administrators, and hashes
peppered with a secret kept outside the database, so a copied store or central table does not reveal them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from counter_app.app import build_counter
from counter_app.clock import FixedClock
from counter_app.config import ConfigError, Settings
from counter_app.errors import UserError
from counter_app.security.pepper_source import PEPPER_ENV, resolve_pepper
from counter_app.security.pins import (
    DEMO_PEPPER,
    NO_PEPPER_MESSAGE,
    NoPepper,
    Pepper,
    hash_pin,
    key_id_of,
    verify_pin,
)
from counter_app.services.auth import AuthError
from counter_app.services.container import Counter
from counter_app.sync.central_store import CentralStore, build_engine
from counter_app.sync.seed_central import seed_central

CITY = "city-pepper-for-tests-0123456789-abcdefghijklmnop"
OTHER = "another-city-pepper-for-tests-9876543210-zyxwvuts"


def audit_count(counter: Counter) -> int:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return int(conn.execute("select count(*) from audit_log").fetchone()[0])


def stored_hash(counter: Counter, staff_no: str) -> str:
    with sqlite3.connect(counter.settings.db_path) as conn:
        return str(conn.execute("select pin_hash from staff where staff_no = ?", (staff_no,)).fetchone()[0])


# -- ASCII digits, and 6 of them for privileged roles ------------------------------------------------------------
@pytest.mark.parametrize("pin", ["١١١١", "۱۱۱۱", "１１１１", "11a1"])
def test_a_pin_of_other_digits_is_refused_at_login_without_a_lookup(counter: Counter, pin: str) -> None:
    before = audit_count(counter)
    with pytest.raises(AuthError, match="digits 0 to 9") as refused:
        counter.auth.login("1001", pin)
    assert refused.value.field == "pin"
    assert audit_count(counter) == before  # no lookup: no failure counted, nothing audited
    with sqlite3.connect(counter.settings.db_path) as conn:
        assert conn.execute("select failed_attempts from staff where staff_no = '1001'").fetchone() == (0,)
    with pytest.raises(AuthError, match="digits 0 to 9"):
        counter.auth.login("١٠٠١", "1111")


def test_pins_are_set_in_ascii_digits_and_six_for_supervisors(counter: Counter) -> None:
    admin = counter.auth.login("9001", "777703")
    with pytest.raises(UserError, match="digits 0 to 9"):
        counter.admin.create_staff(admin, "1500", "Dana Roe", "cashier", "٤٨٢٦")
    with pytest.raises(UserError, match="at least 6 digits"):
        counter.admin.create_staff(admin, "2500", "Lee Moss", "supervisor", "4826")
    counter.admin.create_staff(admin, "2500", "Lee Moss", "supervisor", "482613")
    assert counter.auth.login("2500", "482613").role == "supervisor"
    with pytest.raises(UserError, match="at least 6 digits"):
        counter.admin.reset_pin(admin, "2001", "4826")
    counter.admin.create_staff(admin, "1500", "Dana Roe", "cashier", "4826")  # a cashier: 4 digits are enough
    with pytest.raises(UserError, match="set a new PIN with the role"):
        counter.admin.change_role(admin, "1500", "supervisor")
    with pytest.raises(UserError, match="at least 6 digits"):
        counter.admin.change_role(admin, "1500", "supervisor", "4827")
    counter.admin.change_role(admin, "1500", "supervisor", "640285")
    assert counter.auth.login("1500", "640285").can("approve_void")


def test_the_demo_privileged_pins_are_six_digits() -> None:
    from counter_app.store.seed import demo_logins

    for person in demo_logins():
        if person["role"] != "cashier":
            assert len(person["pin"]) >= 6 and person["pin"].isascii() and person["pin"].isdigit()


# -- the pepper ---------------------------------------------------------------------------------------------------
def test_the_pepper_comes_from_the_environment_then_the_keyring_and_demo_stores_use_the_demo_one() -> None:
    city = resolve_pepper(False, {PEPPER_ENV: CITY}, keyring_get=lambda: OTHER)
    assert isinstance(city, Pepper) and city.secret == CITY.encode() and "environment" in city.source
    from_keyring = resolve_pepper(False, {}, keyring_get=lambda: OTHER)
    assert isinstance(from_keyring, Pepper) and from_keyring.secret == OTHER.encode()
    assert isinstance(resolve_pepper(False, {}, keyring_get=lambda: None), NoPepper)
    assert resolve_pepper(True, {PEPPER_ENV: CITY}) is DEMO_PEPPER
    short = resolve_pepper(False, {PEPPER_ENV: "letmein"})
    assert isinstance(short, NoPepper) and "too short" in short.reason
    assert CITY not in repr(city)  # never in a log line or a traceback


def test_no_keyring_backend_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.errors import NoKeyringError

    def broken(*_args: object) -> str:
        raise NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    assert isinstance(resolve_pepper(False, {}), NoPepper)


@pytest.fixture
def real_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real (non-demo) store with one supervisor, as if pulled from the centre, hashed with the city's pepper."""
    monkeypatch.setenv(PEPPER_ENV, CITY)
    folder = tmp_path / "real"
    build_counter(Settings(data_dir=folder, workstation="CH1-03")).close()
    with sqlite3.connect(folder / "counter.sqlite3") as conn:
        conn.execute("insert into staff (staff_no, name, role, pin_hash, active, failed_attempts) values "
                     "('2101', 'Ana Ruiz', 'supervisor', ?, 1, 0)", (hash_pin("640285", Pepper(CITY.encode(), "t")),))
    return folder


def test_with_the_pepper_a_real_store_signs_in(real_store: Path, clock: FixedClock) -> None:
    counter = build_counter(Settings(data_dir=real_store, workstation="CH1-03"), clock=clock)
    try:
        assert counter.auth.pin_problem is None
        assert counter.auth.login("2101", "640285").name == "Ana Ruiz"
        with pytest.raises(AuthError, match="Staff number or PIN is wrong"):
            counter.auth.login("2101", "640286")
    finally:
        counter.close()


def test_a_copied_store_and_the_central_table_are_not_enough_to_verify_a_pin(
        real_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "stolen"
    copy.mkdir()
    for file in real_store.glob("counter.sqlite3*"):  # the database and its write-ahead log
        (copy / file.name).write_bytes(file.read_bytes())
    with sqlite3.connect(copy / "counter.sqlite3") as conn:
        local = conn.execute("select pin_hash from staff where staff_no = '2101'").fetchone()[0]
    central = CentralStore(build_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}"))
    central.init()
    seed_central(central, demo=True, pepper=Pepper(CITY.encode(), "test"))  # the central staff table
    [staff] = [c for c in central.reference_changes("staff", 0) if c.key == "2001"]
    published = staff.payload["pin_hash"]
    central.engine.dispose()
    for pin_hash, pin in ((local, "640285"), (published, "999901")):
        assert CITY not in pin_hash and key_id_of(pin_hash) == Pepper(CITY.encode(), "t").key_id
        inner = pin_hash.split("$", 2)[2]
        with pytest.raises(VerificationError):  # the right PIN, tried the way an offline attacker would
            PasswordHasher().verify(inner, pin)
        assert not verify_pin(pin_hash, pin, Pepper(OTHER.encode(), "a guess"))
        assert verify_pin(pin_hash, pin, Pepper(CITY.encode(), "the city"))
    # the copied file opened on a machine without the pepper: it opens, reads, and refuses to check PINs
    monkeypatch.delenv(PEPPER_ENV)
    monkeypatch.setattr("counter_app.security.pepper_source._from_keyring", lambda: None)
    thief = build_counter(Settings(data_dir=copy, workstation="CH1-03"))
    try:
        assert thief.auth.pin_problem == NO_PEPPER_MESSAGE
        assert thief.payments.transactions_on() == []  # reading still works
        with pytest.raises(AuthError, match="PIN pepper is not provisioned"):
            thief.auth.login("2101", "640285")
    finally:
        thief.close()
    monkeypatch.setenv(PEPPER_ENV, OTHER)  # ... or with another city's pepper
    thief = build_counter(Settings(data_dir=copy, workstation="CH1-03"))
    try:
        with pytest.raises(AuthError, match="set with another PIN pepper"):
            thief.auth.login("2101", "640285")
    finally:
        thief.close()


def test_a_real_store_without_a_pepper_refuses_to_set_pins_and_says_what_to_provision(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PEPPER_ENV, raising=False)
    monkeypatch.setattr("counter_app.security.pepper_source._from_keyring", lambda: None)
    with pytest.raises(UserError, match="IT: store it in the OS keyring"):
        hash_pin("482613", resolve_pepper(False))
    counter = build_counter(Settings(data_dir=tmp_path / "real", workstation="CH1-03"))
    try:
        assert "counter-pin-pepper" in (counter.auth.pin_problem or "")
        with pytest.raises(AuthError, match="COUNTER_PIN_PEPPER"):
            counter.auth.login("2001", "999901")
    finally:
        counter.close()


def test_the_demo_logins_never_open_a_real_store(real_store: Path, tmp_path: Path, clock: FixedClock) -> None:
    """Demo staff pulled into a real store (issue 10, symptom 3) are hashed with the demo pepper: refused."""
    with sqlite3.connect(real_store / "counter.sqlite3") as conn:
        conn.execute("insert into staff (staff_no, name, role, pin_hash, active, failed_attempts) values "
                     "('9001', 'Morgan Admin', 'administrator', ?, 1, 0)", (hash_pin("777703", DEMO_PEPPER),))
    counter = build_counter(Settings(data_dir=real_store, workstation="CH1-03"), clock=clock)
    try:
        with pytest.raises(AuthError, match="another PIN pepper"):
            counter.auth.login("9001", "777703")
    finally:
        counter.close()


def test_a_legacy_hash_still_signs_in_and_is_peppered_at_once(counter: Counter) -> None:
    legacy = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("1111")
    with sqlite3.connect(counter.settings.db_path) as conn:
        conn.execute("update staff set pin_hash = ? where staff_no = '1001'", (legacy,))
    assert counter.auth.login("1001", "1111").staff_no == "1001"
    upgraded = stored_hash(counter, "1001")
    assert upgraded != legacy and key_id_of(upgraded) == DEMO_PEPPER.key_id
    assert verify_pin(upgraded, "1111", DEMO_PEPPER)
    with sqlite3.connect(counter.settings.db_path) as conn:
        [payload] = [json.loads(p) for (p,) in conn.execute(
            "select payload from outbox where record_type = 'staff_change'")]
    assert payload["change"] == "pin_rehash" and payload["pin_hash"] == upgraded
    assert [e.action for e in counter.audit.search(action="pin_rehash")] == ["pin_rehash"]
    assert counter.auth.login("1001", "1111").staff_no == "1001"
    assert stored_hash(counter, "1001") == upgraded  # no second upgrade


def test_a_demo_store_opened_without_demo_still_checks_its_pins(counter: Counter, clock: FixedClock) -> None:
    reopened = build_counter(Settings(data_dir=counter.settings.data_dir, workstation="CH1-02"), clock=clock)
    try:
        assert reopened.auth.login("2001", "999901").name == "Jordan Lee"
    finally:
        reopened.close()


def test_demo_never_marks_a_real_store(real_store: Path, clock: FixedClock) -> None:
    with pytest.raises(ConfigError, match="holds a real"):
        build_counter(Settings(data_dir=real_store, workstation="CH1-03", demo=True), clock=clock)
    counter = build_counter(Settings(data_dir=real_store, workstation="CH1-03"), clock=clock)
    try:
        assert counter.auth.login("2101", "640285").name == "Ana Ruiz"  # still the city's pepper
    finally:
        counter.close()
