"""The ``counter-app`` command: the GUI by default, and headless commands over the very same services.

Module-level imports stay light (standard library and :mod:`counter_app.config`): ``--version`` and ``--help``
answer without loading Qt or SQLAlchemy, and the GUI's start-up clock starts before anything heavy is imported.
Bad input never shows a traceback: one line on stderr, exit code 2, nothing changed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from counter_app import __version__
from counter_app.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from counter_app.clock import Clock
    from counter_app.services.container import Counter

#: When this process started running our code: the GUI's ``--startup-probe`` measures first paint from here.
_T0 = time.time()

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the operator: reported as one line and exit code 2."""


class StoreUnusableError(Exception):
    """The store cannot be opened (damaged, unreadable): one line and exit code 1; restore from backup."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one clear line (no usage dump) that ``main`` turns into exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}” is not a date: use YYYY-MM-DD, e.g. 2026-11-25") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}” is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}” is not a whole number") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="counter-app", description="Counter: City Hall 311 Payments and Customer Service.")
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    _add_globals(parser)
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_gui)
    # The global options work after the command too (``journal --workstation CH1-02``); there they only
    # override what was given before the command.
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    _add_globals(common)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    simulate = commands.add_parser("simulate", parents=[common],
                                   help="record a realistic day of payments through the real services")
    simulate.add_argument("--transactions", type=_positive, required=True, metavar="N", help="receipts to record")
    simulate.add_argument("--seed", type=_seed, default=1, metavar="S", help="same seed, same day (default 1)")
    simulate.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="business day (default today)")
    simulate.set_defaults(handler=_simulate)

    journal = commands.add_parser("journal", parents=[common], help="the electronic journal: one row per receipt")
    journal.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="business day (default today)")
    journal.add_argument("--format", choices=("csv", "text"), default="text", help="csv for finance, text to read")
    journal.add_argument("--all-workstations", action="store_true", help="every workstation in this store")
    journal.set_defaults(handler=_journal)

    receipt = commands.add_parser("receipt", parents=[common], help="save a receipt as PDF")
    receipt.add_argument("number", metavar="NUMBER", help="receipt number, e.g. CH1-02-000123")
    receipt.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    receipt.add_argument("--copy", action="store_true", help="mark it as a copy (a reprint)")
    receipt.add_argument("--letter", action="store_true", help="letter page instead of the 80 mm thermal roll")
    receipt.set_defaults(handler=_receipt)
    return parser


def _add_globals(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help="where the counter keeps its data (env COUNTER_DATA_DIR)")
    parser.add_argument("--workstation", metavar="CH1-02", help="this workstation (env COUNTER_WORKSTATION)")
    parser.add_argument("--demo", action="store_true", help="use the demo data folder with demo staff and bills")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed, 2 bad input)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help and --version print and stop here
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        return _fail(str(exc))
    created = _would_create(args.data_dir)
    try:
        settings = load_settings(args.data_dir, args.workstation, args.demo)
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except (UsageError, ConfigError) as exc:
        _undo_folder(created)
        return _fail(str(exc))
    except StoreUnusableError as exc:
        return _fail(str(exc), EXIT_FAILED)
    except ValueError as exc:
        from counter_app.errors import UserError

        if isinstance(exc, UserError):  # a business rule refused: its message is written for people
            return _fail(exc.message)
        raise


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"counter-app: {message}", file=sys.stderr)
    return code


def _would_create(data_dir: str | None) -> Path | None:
    """The data folder named on the command line or in the environment, if it does not exist yet."""
    chosen = data_dir or os.environ.get("COUNTER_DATA_DIR")
    if not chosen:
        return None
    folder = Path(chosen).expanduser()
    return None if folder.exists() else folder


def _undo_folder(folder: Path | None) -> None:
    """Bad input changes nothing: remove the data folder settings just created, if it is still empty."""
    if folder is not None:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _require_store(settings: Settings) -> None:
    if not settings.db_path.exists():
        raise UsageError(f"no counter data in {settings.data_dir}: check --data-dir (nothing was recorded there)")


def _open_counter(settings: Settings, clock: Clock | None = None) -> Counter:
    """Build the same service graph as the GUI; a damaged or unreadable store is one clear line, not a trace."""
    from counter_app.app import build_counter
    from counter_app.store.db import StoreError

    try:
        return build_counter(settings, clock=clock)
    except StoreError as exc:
        raise StoreUnusableError(str(exc)) from exc


# -- the GUI ---------------------------------------------------------------------------------------------------
def _gui(args: argparse.Namespace, settings: Settings) -> int:
    os.environ.setdefault("COUNTER_T0", str(_T0))
    if settings.demo:
        _print_demo_logins()
    try:
        from counter_app.ui.main import run_gui
    except ModuleNotFoundError as exc:
        return _fail(f"the GUI cannot start: {exc}", EXIT_FAILED)
    result: int = run_gui(settings, build_counter, startup_probe=args.startup_probe)
    return result


def build_counter(settings: Settings, clock: Clock | None = None) -> Counter:
    """``counter_app.app.build_counter``, imported when called: the GUI calls it in its worker thread, so the
    services, SQLAlchemy and the exporters load while the window paints instead of before (~0.4 s measured)."""
    from counter_app.app import build_counter as build

    return build(settings, clock=clock)


def _print_demo_logins() -> None:
    """Read straight from the shipped JSON: importing the services here would delay the first paint."""
    import json

    from counter_app.resources import resource_path

    staff = json.loads(resource_path("demo", "staff.json").read_text(encoding="utf-8"))
    print("Demo logins (staff number / PIN):")
    for person in staff:
        print(f"  {person['staff_no']} / {person['pin']}  {person['name']} ({person['role']})")
    sys.stdout.flush()


# -- simulate --------------------------------------------------------------------------------------------------
def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.clock import Clock, FixedClock
    from counter_app.simulation import DaySimulator, SimulationError, SqlBillIssuer, opening_time, store_has_staff

    if not settings.demo and not store_has_staff(settings.db_path):
        raise UsageError("no staff: run with --demo")
    day = args.date or Clock(settings.timezone).today()
    clock = FixedClock(opening_time(day), settings.timezone)
    counter = _open_counter(settings, clock=clock)
    issuer = SqlBillIssuer(settings.db_path)
    try:
        result = DaySimulator(counter, clock, issuer, args.seed).run(args.transactions)
    except SimulationError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        issuer.close()
        counter.close()
    print(result.summary_line())
    return EXIT_OK


# -- journal ---------------------------------------------------------------------------------------------------
def _journal(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.journal import journal_rows, to_csv, to_text

    _require_store(settings)
    counter = _open_counter(replace(settings, demo=False))  # reading never seeds
    try:
        day = args.date or counter.clock.today()
        summaries = counter.payments.transactions_on(day, all_workstations=args.all_workstations)
    finally:
        counter.close()
    rows = journal_rows(summaries, counter.clock.tz)
    scope = "all workstations" if args.all_workstations else f"workstation {settings.workstation}"
    sys.stdout.write(to_csv(rows) if args.format == "csv" else to_text(rows, day, scope))
    return EXIT_OK


# -- receipt ---------------------------------------------------------------------------------------------------
def _receipt(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.payments.errors import PaymentError

    number = args.number.strip().upper()
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder: give a file name, e.g. {number or 'receipt'}.pdf")
    _require_store(settings)
    counter = _open_counter(replace(settings, demo=False))
    try:
        try:
            counter.payments.find(number)
        except PaymentError as exc:
            raise UsageError(exc.message) from exc
        layout = "letter" if args.letter else "thermal"
        size = _write_atomically(out, lambda: counter.receipts.issue(number, None, layout, force_copy=args.copy))
    finally:
        counter.close()
    print(f"Wrote {out} ({number}, {layout}{', copy' if args.copy else ''}, {size} bytes)")
    return EXIT_OK


def _write_atomically(out: Path, produce: Callable[[], bytes]) -> int:
    """Open a temporary file beside ``out`` first (so an unwritable folder fails before anything is logged),
    then write, sync and rename: readers see the old file or the whole new one, never half a PDF."""
    import tempfile

    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise UsageError(f"cannot write to {out.parent}: {exc.strerror or exc}") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as file:
            data = produce()
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; a saved receipt is an ordinary file
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return len(data)



def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
