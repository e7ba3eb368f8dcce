"""The payment view-model without any widget: lines, tenders, completion in the worker lane, refusals."""

from __future__ import annotations

from counter_app.payments.catalog import TenderKind
from counter_app.services.container import Counter
from counter_app.ui.view_models import PaymentViewModel
from counter_app.ui.workers import TaskRunner

from .helpers import WAIT_MS


def _vm(counter: Counter) -> tuple[PaymentViewModel, list[tuple[str, str]], list[object]]:
    vm = PaymentViewModel(counter, TaskRunner())
    vm.cashier = counter.auth.login("1001", "1111")
    failures: list[tuple[str, str]] = []
    done: list[object] = []
    vm.failed.connect(lambda message, field: failures.append((message, field)))
    vm.completed.connect(done.append)
    return vm, failures, done


def test_a_sale_completes_in_the_worker_and_a_fresh_one_starts(qtbot: object, counter: Counter) -> None:
    vm, failures, done = _vm(counter)
    assert vm.add_fixed("COMPOST")  # $40.00 + 5% GST
    assert vm.sale.total == 4200 and vm.amount_due_for(TenderKind.CASH) == 4200
    assert vm.add_tender(TenderKind.CASH, "50")
    assert vm.completing and vm.busy
    assert not vm.add_fixed("CAT")  # the sale being recorded does not change
    assert failures[-1][0].startswith("The payment is being recorded")
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert done[0].settlement.change == 800  # type: ignore[attr-defined]
    assert not vm.has_lines and not vm.completing and not vm.busy


def test_a_bill_line_keeps_its_lookup_for_a_partial_payment(qtbot: object, counter: Counter) -> None:
    vm, failures, _done = _vm(counter)
    vm.scan("1000-002")
    qtbot.waitUntil(lambda: vm.has_lines, timeout=WAIT_MS)  # type: ignore[attr-defined]
    assert vm.sale.lines[0].total_cents == 21335
    assert not vm.change_amount(0, "300")
    assert failures[-1] == ("$300.00 is more than the $213.35 owing on 1000-002.", "amount")
    assert vm.change_amount(0, "100")
    assert vm.sale.lines[0].total_cents == 10000
    assert vm.add_fixed("DOG-AC")
    assert not vm.change_amount(1, "5")  # a fixed fee has no amount to change


def test_tender_refusals_name_the_service(counter: Counter) -> None:
    vm, _failures, _done = _vm(counter)
    vm.add_fixed("NSF")  # cash and debit only
    refusals = vm.tender_refusals()
    assert set(refusals) == {TenderKind.CREDIT, TenderKind.CHEQUE, TenderKind.MONEY_ORDER}
    assert refusals[TenderKind.CHEQUE] == "Not accepted for NSF cheque fee"
