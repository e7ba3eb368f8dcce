"""The ``counter-app`` command: the GUI by default, and headless commands over the very same services.

Module-level imports stay light (standard library and :mod:`counter_app.config`): ``--version`` and ``--help``
answer without loading Qt or SQLAlchemy, and the GUI's start-up clock starts before anything heavy is imported.
Bad input never shows a traceback: one line on stderr, exit code 2, nothing changed. A failure of the machine
(a full disk, a folder this user may not write, a damaged or newer store) is one line too, with exit code 1.
Exit code 141 means the reader of the output went away (``counter-app journal | head -1``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from counter_app import __version__
from counter_app.config import ConfigError, Settings, load_settings
from counter_app.settings_file import SettingsAccessError

if TYPE_CHECKING:
    from counter_app.clock import Clock
    from counter_app.services.container import Counter

#: When this process started running our code: the GUI's ``--startup-probe`` measures first paint from here.
_T0 = time.time()

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # the reader of the output went away (``| head``): 128 + SIGPIPE, as shells report it


class UsageError(Exception):
    """Bad input from the operator: reported as one line and exit code 2."""


class StoreUnusableError(Exception):
    """The store cannot be opened (damaged, unreadable): one line and exit code 1; restore from backup."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one clear line (no usage dump) that ``main`` turns into exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


#: The business days a command accepts. Counter went into service in the 2020s; a day outside this century is a
#: typo (0001 for 2001, 9999 for "far away"), and years 0001 and 9999 overflow the time-zone arithmetic.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
#: At most this many receipts per ``simulate`` run: a busy counter day is a few hundred; 10,000 take about a
#: minute, and the receipt number has room for 999,999 per workstation.
MAX_TRANSACTIONS = 10_000
#: ``sync --interval``: up to an hour between runs.
MAX_INTERVAL_S = 3_600
#: ``--seed``: any whole number of up to 18 digits (it is printed in bug reports and kept as text).
MAX_SEED = 10**18 - 1
_DAY_HELP = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}” is not a date: use YYYY-MM-DD, e.g. 2026-11-25") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"{day.isoformat()} is outside the days Counter accepts ({_DAY_HELP})")
    return day


def _whole_number(text: str) -> int:
    """A whole number; one of more than 40 digits is refused before it is parsed (no value here is near that)."""
    digits = text.strip().lstrip("+-")
    if len(digits) > 40 and digits.isdigit():
        raise argparse.ArgumentTypeError(f"“{text.strip()[:20]}…” ({len(digits)} digits) is far too large")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text[:20]}” is not a whole number") from None


def _positive(text: str) -> int:
    value = _whole_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _at_most(high: int) -> Callable[[str], int]:
    """A whole number from 1 to ``high``, checked while the command line is read: before anything is written."""

    def check(text: str) -> int:
        value = _positive(text)
        if value > high:
            shown = f"{value:,}" if value < 10**21 else f"a number of {len(str(value))} digits"
            raise argparse.ArgumentTypeError(f"{shown} is more than {high:,}, the most this option takes")
        return value

    return check


def _seed(text: str) -> int:
    value = _whole_number(text)
    if abs(value) > MAX_SEED:
        raise argparse.ArgumentTypeError(f"the seed must have at most 18 digits, not {len(str(abs(value)))}")
    return value


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
    simulate.add_argument("--transactions", type=_at_most(MAX_TRANSACTIONS), required=True, metavar="N",
                          help=f"receipts to record, 1 to {MAX_TRANSACTIONS:,}")
    simulate.add_argument("--seed", type=_seed, default=1, metavar="S",
                          help="same seed, same day (default 1; a whole number of up to 18 digits)")
    simulate.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                          help=f"business day, {_DAY_HELP} (default today)")
    simulate.add_argument("--close", action="store_true",
                          help="close every drawer at the end of the day on an exact count (then eod export)")
    simulate.add_argument("--short-cents", type=_positive, metavar="N",
                          help="with --close: count one drawer N cents short, a multiple of 5 up to 10000 "
                               "(a supervisor approves)")
    simulate.set_defaults(handler=_simulate)

    journal = commands.add_parser("journal", parents=[common], help="the electronic journal: one row per receipt")
    journal.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                         help=f"business day, {_DAY_HELP} (default today)")
    journal.add_argument("--format", choices=("csv", "text"), default="text", help="csv for finance, text to read")
    journal.add_argument("--all-workstations", action="store_true", help="every workstation in this store")
    journal.set_defaults(handler=_journal)

    receipt = commands.add_parser("receipt", parents=[common], help="save a receipt as PDF")
    receipt.add_argument("number", metavar="NUMBER", help="receipt number, e.g. CH1-02-000123")
    receipt.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    receipt.add_argument("--copy", action="store_true", help="mark it as a copy (a reprint)")
    receipt.add_argument("--letter", action="store_true", help="letter page instead of the 80 mm thermal roll")
    receipt.set_defaults(handler=_receipt)

    referrals = commands.add_parser("referrals", parents=[common], help="referrals to specialists")
    referral_commands = referrals.add_subparsers(title="commands", metavar="COMMAND", required=True)
    referrals_export = referral_commands.add_parser(
        "export", parents=[common], help="the day's referrals as Open311 GeoReport v2 service requests (JSON)")
    referrals_export.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                                  help=f"business day, {_DAY_HELP} (default today)")
    referrals_export.add_argument("--format", choices=("open311-json",), default="open311-json",
                                  help="an array of GeoReport v2 service requests (the only format)")
    referrals_export.add_argument("--out", metavar="FILE", help="write to FILE instead of the standard output")
    referrals_export.set_defaults(handler=_referrals_export)

    interactions = commands.add_parser("interactions", parents=[common],
                                       help="the day's interactions: payments, questions and referrals")
    interactions.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                              help=f"business day, {_DAY_HELP} (default today)")
    interactions.add_argument("--format", choices=("csv",), default="csv", help="one row per interaction")
    interactions.add_argument("--out", metavar="FILE", help="write to FILE instead of the standard output")
    interactions.add_argument("--all-workstations", action="store_true", help="every workstation in this store")
    interactions.set_defaults(handler=_interactions)

    eod = commands.add_parser("eod", parents=[common], help="drawers and the end-of-day reconciliation",
                              description=f"Drawer commands. {_PIN_HELP}")
    eod_commands = eod.add_subparsers(title="commands", metavar="COMMAND", required=True)
    eod_open = eod_commands.add_parser("open", parents=[common], help="open a drawer on a counted float",
                                       description=_PIN_HELP)
    eod_open.add_argument("--staff", required=True, metavar="NO", help="the cashier's staff number")
    eod_open.add_argument("--float", required=True, metavar="COUNTS", dest="float_count",
                          help="the float by denomination, e.g. n20=10,n5=4,r25=1")
    eod_open.set_defaults(handler=_eod_open)
    eod_close = eod_commands.add_parser("close", parents=[common], help="close a drawer on a blind count: Z report",
                                        description=_PIN_HELP)
    eod_close.add_argument("--staff", required=True, metavar="NO", help="the cashier's staff number")
    eod_close.add_argument("--count", default="", metavar="COUNTS",
                           help="what is in the drawer by denomination, e.g. n20=10,c5=3 (none: an empty drawer)")
    eod_close.add_argument("--debit-batch", default="", metavar="AMOUNT", help="debit total on the terminal batch")
    eod_close.add_argument("--credit-batch", default="", metavar="AMOUNT", help="credit total on the terminal batch")
    eod_close.add_argument("--cheques-checked", action="store_true", help="the cheques were checked against the list")
    eod_close.add_argument("--supervisor", metavar="NO", help="a supervisor approving a difference beyond tolerance")
    eod_close.add_argument("--note", default="", metavar="TEXT", help="what was checked (needed with a difference)")
    eod_close.set_defaults(handler=_eod_close)
    eod_x = eod_commands.add_parser("x-report", parents=[common], help="running totals of an open drawer",
                                    description=_PIN_HELP)
    eod_x.add_argument("--staff", required=True, metavar="NO", help="the cashier's staff number")
    eod_x.set_defaults(handler=_eod_x_report)
    eod_export = eod_commands.add_parser("export", parents=[common],
                                         help="write the day's (or one drawer's) reconciliation: CSV, PDF, XLSX")
    eod_export.add_argument("--date", type=_day, required=True, metavar="YYYY-MM-DD",
                            help=f"business day, {_DAY_HELP}")
    eod_export.add_argument("--out", required=True, metavar="DIR", help="folder to write the export into")
    eod_export.add_argument("--session", metavar="ID", help="one drawer session instead of the whole day")
    eod_export.add_argument("--staff", metavar="NO",
                            help="who exports (PIN from COUNTER_PIN): named on the report and in the audit trail; "
                                 "a whole day needs a supervisor. Without it (a scheduled job) nobody is named")
    eod_export.set_defaults(handler=_eod_export)

    central_option = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    central_option.add_argument("--central", metavar="URL",
                                help="central database URL, without a password (env COUNTER_CENTRAL_URL)")
    sync = commands.add_parser("sync", parents=[common, central_option],
                               help="send the outbox to the central 311 database and pull what changed")
    sync.add_argument("--once", action="store_true", help="one push and pull, then exit (non-zero on failure)")
    sync.add_argument("--interval", type=_at_most(MAX_INTERVAL_S), default=20, metavar="SECONDS",
                      help=f"without --once: seconds between runs, 1 to {MAX_INTERVAL_S} (default 20; longer after "
                           "a failure)")
    sync.set_defaults(handler=_sync)
    sync_commands = sync.add_subparsers(title="commands", metavar="[status|refused|continue]")
    sync_status = sync_commands.add_parser("status", parents=[common, central_option],
                                           help="what waits in the outbox and how the last sync went")
    sync_status.set_defaults(handler=_sync_status)
    sync_refused = sync_commands.add_parser(
        "refused", parents=[common, central_option],
        help="records the central database refused (conflicts, quarantined data): list, retry or export them")
    sync_refused.add_argument("--retry", action="store_true", help="send them all again at the next sync")
    sync_refused.add_argument("--export", metavar="FILE", help="write them, whole, to FILE as JSON")
    sync_refused.add_argument("--staff", metavar="NO", help="the supervisor (PIN from COUNTER_PIN), for --retry "
                                                           "and --export")
    sync_refused.add_argument("--lost", action="store_true",
                              help="list what the centre holds that this store lost to a restore from backup")
    sync_refused.set_defaults(handler=_sync_refused)
    sync_continue = sync_commands.add_parser(
        "continue", parents=[common, central_option],
        help="after a restore with the centre out of reach: a supervisor lets the counter number again "
             "(numbers jump ahead)", description=_PIN_HELP)
    sync_continue.add_argument("--supervisor", required=True, metavar="NO", help="the approving supervisor")
    sync_continue.add_argument("--reason", required=True, metavar="TEXT", help="why (it goes in the audit trail)")
    sync_continue.set_defaults(handler=_sync_continue)

    central = commands.add_parser("central", parents=[common], help="the central 311 database")
    central_commands = central.add_subparsers(title="commands", metavar="COMMAND", required=True)
    central_init = central_commands.add_parser(
        "init", parents=[common], help="create or upgrade the central schema and publish the reference data")
    central_init.add_argument("--url", required=True, dest="central", metavar="URL",
                              help="central database URL, without a password (COUNTER_CENTRAL_PASSWORD or keyring)")
    central_init.add_argument("--demo-data", action="store_true", help="also publish the demo staff and bills")
    central_init.set_defaults(handler=_central_init)
    central_release = central_commands.add_parser(
        "release-workstation", parents=[common],
        help="free a workstation name whose store is gone for good (no backup to restore)")
    central_release.add_argument("name", metavar="NAME", help="the workstation name, e.g. CH1-02")
    central_release.add_argument("--url", required=True, dest="central", metavar="URL",
                                 help="central database URL, without a password (COUNTER_CENTRAL_PASSWORD or keyring)")
    central_release.set_defaults(handler=_central_release)

    audit = commands.add_parser("audit", parents=[common], help="the tamper-evident audit trail")
    audit_commands = audit.add_subparsers(title="commands", metavar="COMMAND", required=True)
    audit_verify = audit_commands.add_parser(
        "verify", parents=[common, central_option],
        help="check every entry's hash chain and the central database's anchors; exit 1 at the first broken one, "
             f"{EXIT_CENTRE_NOT_CHECKED} when the chain is intact but the centre could not be checked")
    audit_verify.add_argument("--no-central", action="store_true",
                              help="do not compare with the head the central database holds")
    audit_verify.set_defaults(handler=_audit_verify)
    return parser


_PIN_HELP = ("PINs are never typed on the command line: they come from COUNTER_PIN (the cashier) and "
             "COUNTER_SUPERVISOR_PIN (the supervisor), or are asked for when run in a terminal.")


def _add_globals(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help="where the counter keeps its data (env COUNTER_DATA_DIR)")
    parser.add_argument("--workstation", metavar="CH1-02", help="this workstation (env COUNTER_WORKSTATION)")
    parser.add_argument("--demo", action="store_true", help="use the demo data folder with demo staff and bills")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed, 2 bad input, 141 output reader gone).

    ``counter-app journal | head -1``: when whoever reads the output stops reading, the command stops quietly
    with 141 (128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe), with no traceback and no
    "Exception ignored" line at exit. What it had recorded before stays recorded.
    """
    try:
        code = _run(argv)
        sys.stdout.flush()  # here, not at interpreter exit, so a reader gone shows up as BrokenPipeError below
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _discard_stdout() -> None:
    """Point the standard output at the null device, so the flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)


def _run(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help and --version print and stop here
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        return _fail(str(exc))
    created = _would_create(args.data_dir)
    data_dir: Path | None = created
    try:
        from counter_app.startup import resolve_settings

        settings = resolve_settings(load_settings(args.data_dir, args.workstation, args.demo,
                                                  central=getattr(args, "central", None)))
        data_dir = settings.data_dir
        _start_logging(settings, args)
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except SettingsAccessError as exc:  # settings.json this user may not read: permissions, not a typo
        return _fail(str(exc), EXIT_FAILED)
    except (UsageError, ConfigError) as exc:
        _undo_folder(created)
        return _fail(str(exc)) if not _disk_full(exc.__cause__) else _fail(_disk_full_words(data_dir), EXIT_FAILED)
    except StoreUnusableError as exc:
        return _fail(str(exc), EXIT_FAILED)
    except BrokenPipeError:
        raise  # the reader of the output went away: ``main`` ends quietly
    except Exception as exc:
        from counter_app.errors import UserError

        if isinstance(exc, UserError):  # a business rule refused: its message is written for people
            return _fail(exc.message)
        words = _machine_failure(exc, data_dir)
        if words is None:
            raise
        return _fail(words, EXIT_FAILED)


def _machine_failure(exc: BaseException, data_dir: Path | None) -> str | None:
    """A full disk, a read-only store, a file this user may not write: one line (the details go to the log)."""
    import logging

    from counter_app.failures import explain

    words = explain(exc, data_dir)
    if words is not None:  # logged if the log can be written (on a full disk it cannot, and says nothing)
        logging.getLogger("counter.cli").warning("command failed: %s", words, exc_info=exc)
    return words


def _disk_full(exc: BaseException | None) -> bool:
    from counter_app.failures import is_disk_full

    return exc is not None and is_disk_full(exc)


def _disk_full_words(data_dir: Path | None) -> str:
    from counter_app.failures import disk_full

    return disk_full(data_dir)


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
    """Bad input changes nothing: remove the data folder settings just created (with the log begun in it)."""
    if folder is not None:
        _stop_logging(folder)
        logs = folder / "logs"
        with contextlib.suppress(OSError):
            for path in logs.glob("counter.log*"):
                path.unlink()
            logs.rmdir()
        with contextlib.suppress(OSError):
            folder.rmdir()


def _start_logging(settings: Settings, args: argparse.Namespace) -> None:
    """The rotating, redacted log in the data folder; the command is logged by name only (never its options)."""
    import logging

    from counter_app.logging_setup import configure_logging

    try:
        configure_logging(settings.data_dir)
    except OSError:  # a read-only data folder: the command still runs, it just cannot keep a log
        return
    name = getattr(args.handler, "__name__", "command").lstrip("_").replace("_", " ")
    logging.getLogger("counter.cli").info("counter-app %s (workstation %s)", name, settings.workstation)


def _stop_logging(folder: Path) -> None:
    import logging
    from logging.handlers import RotatingFileHandler

    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename).is_relative_to(folder):
            root.removeHandler(handler)
            handler.close()


def _require_store(settings: Settings) -> None:
    if not settings.db_path.exists():
        raise UsageError(f"no counter data in {settings.data_dir}: check --data-dir (nothing was recorded there)")


def _open_counter(settings: Settings, clock: Clock | None = None, *, read_only: bool = False) -> Counter:
    """Build the same service graph as the GUI; a damaged or unreadable store is one clear line, not a trace.

    ``read_only``: a command that only reads writes nothing it does not need to (it works on a full disk).
    """
    from counter_app.app import build_counter
    from counter_app.store.db import StoreError

    try:
        return build_counter(settings, clock=clock, read_only=read_only)
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

    short = args.short_cents or 0
    if args.short_cents is not None and not args.close:
        raise UsageError("--short-cents needs --close (it is how short one drawer is counted at the close)")
    if short % 5 or short > 10_000:
        raise UsageError(f"--short-cents {short}: cash is counted in nickels, so a multiple of 5, at most 10000")
    if not settings.demo and not store_has_staff(settings.db_path):
        raise UsageError("no staff: run with --demo")
    day = args.date or Clock(settings.timezone).today()
    clock = FixedClock(opening_time(day), settings.timezone)
    counter = _open_counter(settings, clock=clock)
    issuer = SqlBillIssuer(settings.db_path)
    try:
        result = DaySimulator(counter, clock, issuer, args.seed).run(args.transactions, close=args.close,
                                                                     short_cents=short)
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
    counter = _open_counter(settings, read_only=True)  # reading never seeds
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
    counter = _open_counter(settings)  # a saved copy is logged (receipt_prints, the audit trail): a write
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
        if _disk_full(exc):  # not the operator's mistake: exit 1, "the disk holding <folder> is full"
            raise OSError(exc.errno, exc.strerror, str(out)) from exc
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return len(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _output(text: str, out_name: str | None, what: str) -> None:
    """To the standard output, or whole into ``--out`` (a temporary file beside it, then renamed)."""
    if out_name is None:
        sys.stdout.write(text)
        return
    out = Path(out_name).expanduser()
    size = _write_atomically(out, lambda: text.encode("utf-8"))
    print(f"Wrote {out} ({what}, {size} bytes)")


def _check_out_file(out_name: str | None) -> None:
    if out_name is not None and Path(out_name).expanduser().is_dir():
        raise UsageError(f"--out {out_name} is a folder: give a file name")


# -- referrals and interactions --------------------------------------------------------------------------------
def _referrals_export(args: argparse.Namespace, settings: Settings) -> int:
    import json

    _check_out_file(args.out)
    _require_store(settings)
    counter = _open_counter(settings, read_only=True)  # reading never seeds
    try:
        day = args.date or counter.clock.today()
        requests = counter.referrals.open311(day)
    finally:
        counter.close()
    text = json.dumps(requests, indent=2, ensure_ascii=False) + "\n"
    _output(text, args.out, f"{_plural(len(requests), 'service request')} on {day.isoformat()}")
    return EXIT_OK


def _interactions(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.journal import interactions_csv

    _check_out_file(args.out)
    _require_store(settings)
    counter = _open_counter(settings, read_only=True)
    try:
        day = args.date or counter.clock.today()
        items = counter.visits.interactions_on(day, all_workstations=args.all_workstations)
    finally:
        counter.close()
    _output(interactions_csv(items, counter.clock.tz), args.out,
            f"{_plural(len(items), 'interaction')} on {day.isoformat()}")
    return EXIT_OK


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- eod: drawers and the reconciliation -----------------------------------------------------------------------
def _counts(text: str, option: str) -> dict[str, str]:
    """``n20=10,c5=3`` as the denomination grid would hold it; checked at once so bad input changes nothing."""
    from counter_app.drawer.denominations import parse_count

    typed: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        code, equals, count = item.partition("=")
        code = code.strip().lower()
        if not equals or not code:
            raise UsageError(f"{option}: “{item[:20]}” is not DENOMINATION=COUNT (e.g. n20=10,c5=3)")
        if code in typed:
            raise UsageError(f"{option}: {code} is given twice")
        typed[code] = count.strip()
    try:
        parse_count(typed)
    except ValueError as exc:
        message = str(getattr(exc, "message", exc)).rstrip(".")
        raise UsageError(f"{option}: {message} (codes n100..n5, c200..c5, r200..r5)") from None
    return typed


def _pin(variable: str, who: str) -> str:
    """From the environment, or asked for without echo in a terminal; never from the command line."""
    value = os.environ.get(variable, "")
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"PIN for {who}: ")
    raise UsageError(f"no PIN for {who}: set {variable} or run this in a terminal to be asked "
                     "(PINs are never given on the command line)")


def _need_drawer_store(settings: Settings) -> None:
    """Drawer commands work on an existing store (or a new demo one, ready with its demo staff)."""
    if not settings.demo:
        _require_store(settings)


def _eod_open(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.payments.money import format_money

    float_typed = _counts(args.float_count, "--float")
    _need_drawer_store(settings)
    pin = _pin("COUNTER_PIN", f"staff {args.staff}")
    counter = _open_counter(settings)
    try:
        cashier = counter.auth.login(args.staff, pin)
        session = counter.drawers.open(cashier, float_typed)
    finally:
        counter.close()
    print(f"Opened the drawer of {session.cashier} on {session.workstation} with a float of "
          f"{format_money(session.float_cents)} (session {session.id})")
    return EXIT_OK


def _eod_close(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.payments.money import format_money

    counted = _counts(args.count, "--count")
    _need_drawer_store(settings)
    pin = _pin("COUNTER_PIN", f"staff {args.staff}")
    supervisor_pin = _pin("COUNTER_SUPERVISOR_PIN", f"supervisor {args.supervisor}") if args.supervisor else ""
    counter = _open_counter(settings)
    try:
        cashier = counter.auth.login(args.staff, pin)
        supervisor = None
        if args.supervisor:
            supervisor = counter.auth.approve(args.supervisor, supervisor_pin, cashier, "approve_over_short",
                                              object_ref=f"drawer close:{cashier.staff_no}")
        session, recon = counter.drawers.close(
            cashier, counted, debit_batch=args.debit_batch, credit_batch=args.credit_batch,
            cheques_checked=args.cheques_checked, supervisor=supervisor, note=args.note)
    finally:
        counter.close()
    expected = session.expected_cents or 0
    difference = session.over_short_cents or 0
    if difference == 0:
        outcome = "balanced"
    else:
        outcome = f"{'over' if difference > 0 else 'short'} {format_money(abs(difference))}"
        if session.close_supervisor_id is not None and supervisor is not None:
            outcome += f", approved by {supervisor.name}"
    debits = sum(entry.debit_cents for entry in recon.journal)
    credits = sum(entry.credit_cents for entry in recon.journal)
    balance = "balances" if recon.journal_balances else "DOES NOT BALANCE"
    print(f"Closed the drawer of {session.cashier} on {session.workstation}: Z report {session.z_number}")
    print(f"  Expected cash  {format_money(expected)}")
    print(f"  Counted        {format_money(session.counted.total_cents if session.counted else 0)}")
    print(f"  Over/short     {outcome}")
    print(f"  GL journal     {balance}: debits {format_money(debits)}, credits {format_money(credits)}")
    return EXIT_OK if recon.journal_balances else EXIT_FAILED


def _eod_x_report(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.payments.catalog import TenderKind
    from counter_app.payments.money import format_money

    _need_drawer_store(settings)
    pin = _pin("COUNTER_PIN", f"staff {args.staff}")
    counter = _open_counter(settings)
    try:
        cashier = counter.auth.login(args.staff, pin)
        session, recon = counter.drawers.x_report(cashier)
        opened = session.opened_at.astimezone(counter.clock.tz).isoformat(timespec="minutes")
    finally:
        counter.close()
    cash = recon.cash
    print(f"X report: drawer of {session.cashier} on {session.workstation}, open since {opened} (not a close)")
    print(f"  Receipts        {recon.receipts} ({recon.completed} completed, {_plural(recon.refunds, 'refund')}, "
          f"{recon.voids} void)")
    print(f"  Total           {format_money(recon.total_cents)}")
    for kind in TenderKind:
        if recon.by_tender.get(kind.value):
            print(f"  {kind.label:<15} {format_money(recon.by_tender[kind.value])}")
    rows = (("Float", cash.float_cents), ("Cash received", cash.cash_received), ("Change given", -cash.change_given),
            ("Paid in", cash.paid_in), ("Paid out", -cash.paid_out), ("Pickups", -cash.pickups),
            ("Expected cash", cash.expected))
    for label, cents in rows:
        print(f"  {label:<15} {format_money(cents)}")
    return EXIT_OK


def _eod_export(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.payments.money import format_money

    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file: give the folder to write the export into")
    _require_store(settings)
    pin = _pin("COUNTER_PIN", f"staff {args.staff}") if args.staff else None
    counter = _open_counter(settings)
    try:
        staff = counter.auth.login(args.staff, pin) if pin is not None else None
        recon = counter.drawers.reconciliation(args.date, args.session)
        records = counter.drawers.export(args.date, out, staff, session_id=args.session, recon=recon)
    finally:
        counter.close()
    folder = Path(str(records[0]["path"])).parent if records else out
    day = args.date.isoformat()
    if recon.receipts == 0:
        print(f"No receipts on {day}: empty files written to {folder}")
    else:
        print(f"Exported {recon.scope}: {_plural(recon.receipts, 'receipt')}, total {format_money(recon.total_cents)}, "
              f"to {folder}")
    for record in records:
        print(f"  {record['name']}  ({record['size']} bytes)")
    debits = sum(entry.debit_cents for entry in recon.journal)
    print(f"GL journal {'balances' if recon.journal_balances else 'DOES NOT BALANCE'}: debits and credits "
          f"{format_money(debits)}")
    return EXIT_OK if recon.journal_balances else EXIT_FAILED


# -- sync and the central database -----------------------------------------------------------------------------
_LOCKED = "Another Counter on this data folder is already sending; try again in a moment."
#: ``audit verify``: the local chain is intact but the central database could not be compared.
EXIT_CENTRE_NOT_CHECKED = 3


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.sync.worker import SenderLock, backoff_delay

    _require_store(settings)
    lock = SenderLock(settings.data_dir / "sync.lock")
    if not lock.acquire():
        raise UsageError(_LOCKED)
    try:
        counter = _open_counter(settings)
        from counter_app.heap import freeze_start_up_heap

        freeze_start_up_heap()  # as the app does once ready: a full collection mid-push walks far less
        try:
            if args.once:
                ok, text = _sync_round(counter)
                if not ok:
                    return _fail(text, EXIT_FAILED)
                print(text)
                return EXIT_OK
            import random

            if not counter.sync.configured:
                return _fail(_no_central_text(counter), EXIT_FAILED)
            print(f"Sending to {counter.sync.central_label} every {args.interval} s; Ctrl+C stops.", flush=True)
            failures = 0
            jitter = random.Random()
            try:
                while True:
                    ok, text = _sync_round(counter)
                    stamp = counter.clock.local_now().strftime("%H:%M:%S")
                    print(f"{stamp} {text.replace(chr(10), '; ')}", flush=True)
                    failures = 0 if ok else failures + 1
                    _wait(args.interval if ok else min(backoff_delay(failures, jitter), 10 * args.interval))
            except KeyboardInterrupt:
                print("Stopped; anything not sent waits in the outbox for the next sync.")
                return EXIT_OK
        finally:
            counter.close()
    finally:
        lock.release()


def _wait(seconds: float) -> None:
    """Between sync runs (replaced in tests)."""
    time.sleep(seconds)


def _no_central_text(counter: Counter) -> str:
    from counter_app.services.sync import NO_CENTRAL

    pending = counter.sync.status().pending
    return f"{NO_CENTRAL} ({_plural(pending, 'record')} wait in the outbox; nothing was lost)"


def _sync_round(counter: Counter) -> tuple[bool, str]:
    """One hello, push and pull: (True, what moved and what waits) or (False, why it failed and what waits).

    A round that left records refused by the centre (conflicts, quarantined data) is not a success: they are not
    central, and a supervisor must look at them (``sync refused``).
    """
    import logging

    from counter_app.logging_setup import redact
    from counter_app.sync.records import CentralRefusedError, CentralUnavailableError, NoCentralError

    try:
        report = counter.sync.sync_once()
    except NoCentralError:
        return False, _no_central_text(counter)
    except Exception as exc:  # any failure: the outbox keeps every record; say so and let the caller decide
        logging.getLogger("counter.cli").warning("sync failed", exc_info=True)
        lines = str(exc).strip().splitlines()
        reason = lines[0] if lines else type(exc).__name__
        if not isinstance(exc, CentralUnavailableError | CentralRefusedError):
            reason = f"{type(exc).__name__}: {reason}"
        pending = counter.sync.status().pending
        return False, (f"Sync failed: {redact(reason)[:600]} ({_plural(pending, 'record')} wait in the outbox; "
                       "nothing was lost)")
    status = counter.sync.status()
    text = f"{report.summary()}\npending {status.pending}, conflicts {status.conflicts}"
    if counter.sync.last_reconcile is not None:
        text = f"{counter.sync.last_reconcile.summary()}\n{text}"
    if status.refused:
        text += (f"\n{_plural(status.refused, 'record')} refused by the central database wait for a supervisor "
                 f"({status.conflicts} conflict(s), {status.quarantined} quarantined): see `counter-app sync refused`")
        return False, text
    return True, text


def _sync_status(args: argparse.Namespace, settings: Settings) -> int:
    from counter_app.logging_setup import redact
    from counter_app.services.records_identity import SeriesState

    _require_store(settings)
    counter = _open_counter(settings, read_only=True)
    try:
        status = counter.sync.status()
        tz = counter.clock.tz
    finally:
        counter.close()
    online = {None: "unknown (this command does not connect: run sync --once)", True: "online", False: "offline"}
    last = status.last_success.astimezone(tz).isoformat(timespec="seconds") if status.last_success else "never"
    central = redact(status.central) if status.configured else "none configured: nothing is sent"
    state = SeriesState(status.series_state)
    print(f"Workstation:   {settings.workstation}")
    print(f"Central:       {central}")
    print(f"Connection:    {online[status.online]}")
    print(f"Pending:       {status.pending}")
    print(f"Sent:          {status.sent}")
    print(f"Conflicts:     {status.conflicts}")
    print(f"Quarantined:   {status.quarantined}")
    print(f"Last success:  {last}")
    print(f"Last error:    {redact(status.last_error) if status.last_error else 'none'}")
    print(f"Numbers:       {'confirmed' if state is SeriesState.OK else state.explain(settings.workstation)}")
    if status.lacking:
        print(f"After restore: the centre holds {_plural(status.lacking, 'record')} this store lost "
              "(`counter-app sync refused --lost` lists them)")
    return EXIT_OK


def _sync_refused(args: argparse.Namespace, settings: Settings) -> int:
    """List, retry or export what the centre refused (and what it holds that a restore lost)."""
    import json

    _require_store(settings)
    if args.export:
        _check_out_file(args.export)
    wants_change = args.retry or args.export
    pin = _pin("COUNTER_PIN", f"staff {args.staff}") if wants_change else None
    if wants_change and not args.staff:
        raise UsageError("--retry and --export need --staff NO (a supervisor; PIN from COUNTER_PIN)")
    counter = _open_counter(settings, read_only=not wants_change)
    try:
        if args.lost:
            lost = counter.sync.lacking()
            records = lost.get("records") or []
            print(f"The central database holds {_plural(int(lost.get('count', 0)), 'record')} this store lost to a "
                  "restore:")
            for record in records if isinstance(records, list) else []:
                print(f"  {record.get('label')}  ({record.get('record_type')} {str(record.get('record_id'))[:8]})")
            return EXIT_OK
        supervisor = counter.auth.login(args.staff, pin) if pin is not None else None
        if args.export and supervisor is not None:
            exported = counter.sync.export_refused(supervisor)
            _output(json.dumps(exported, indent=2, ensure_ascii=False) + "\n", args.export,
                    f"{_plural(len(exported), 'refused record')}")
        if args.retry and supervisor is not None:
            moved = counter.sync.retry_refused(supervisor)
            print(f"{_plural(moved, 'refused record')} back in the outbox: they go at the next sync.")
        if not wants_change:
            refused = counter.sync.refused()
            if not refused:
                print("Nothing refused: every record sent is central.")
            for record in refused:
                print(f"{record.seq:>8}  {record.status:<11} {record.record_type:<14} {record.reason}")
    finally:
        counter.close()
    return EXIT_OK


def _sync_continue(args: argparse.Namespace, settings: Settings) -> int:
    """A supervisor lets a counter whose numbers wait for the centre go on without it (numbers jump ahead)."""
    _require_store(settings)
    from counter_app.services.records_identity import SeriesState

    pin = _pin("COUNTER_SUPERVISOR_PIN", f"supervisor {args.supervisor}")
    counter = _open_counter(settings)
    try:
        if SeriesState(counter.sync.status().series_state) is SeriesState.OK:
            print("Nothing to approve: this counter's numbers are confirmed.")
            return EXIT_OK
        supervisor = counter.auth.login(args.supervisor, pin)
        jumped = counter.sync.continue_without_centre(supervisor, args.reason)
    finally:
        counter.close()
    for kind, (before, after) in jumped.items():
        print(f"  {kind:<9} numbers continue at {after + 1} (skipped {before + 1} to {after})")
    print("Approved: the counter takes payments again; the skipped numbers are in the audit trail.")
    return EXIT_OK


def _central_init(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from counter_app.logging_setup import redact
    from counter_app.sync.central_store import safe_url
    from counter_app.sync.connection import central_connection, open_central
    from counter_app.sync.records import CentralRefusedError, CentralUnavailableError
    from counter_app.sync.seed_central import seed_central

    connection = central_connection(settings)
    if connection is None:  # pragma: no cover - --url is required
        raise UsageError("central init needs --url URL")
    shown = safe_url(connection.url)
    store = open_central(connection)
    try:
        store.init()
        drift = store.drift()
        if drift:
            return _fail(f"the central database at {shown} does not match the schema Counter expects "
                         f"({_plural(len(drift), 'difference')}): " + "; ".join(drift[:5])
                         + ". Nothing was published; IT must repair the schema first", EXIT_FAILED)
        published = seed_central(store, demo=args.demo_data)
    except CentralRefusedError as exc:
        return _fail(f"cannot set up the central database at {shown}: {exc}", EXIT_FAILED)
    except (CentralUnavailableError, SQLAlchemyError, OSError) as exc:
        lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        reason = redact(lines[0] if lines else type(exc).__name__)[:200]
        return _fail(f"cannot set up the central database at {shown}: {reason}", EXIT_FAILED)
    except Exception as exc:  # Alembic's own errors (a revision it cannot find, a broken history)
        return _fail(f"cannot set up the central database at {shown}: {redact(str(exc))[:200]}", EXIT_FAILED)
    finally:
        store.engine.dispose()
    print(f"Central database {shown}: schema created or upgraded to the latest version.")
    if published:
        extra = ", demo staff, specialists and bills" if args.demo_data else ""
        print("Published the reference data: GST codes, GL accounts, topics, services, departments and the "
              f"knowledge base{extra}.")
    else:
        print("Reference data was already published there: left as it is.")
    return EXIT_OK


def _central_release(args: argparse.Namespace, settings: Settings) -> int:
    """IT: free a workstation name whose store is gone for good (no backup to restore)."""
    from counter_app.config import _WORKSTATION
    from counter_app.sync.central_store import safe_url
    from counter_app.sync.connection import central_connection, open_central

    name = args.name.strip().upper()
    if not _WORKSTATION.match(name):
        raise UsageError(f"“{name[:12]}” is not a workstation name (e.g. CH1-02)")
    connection = central_connection(settings)
    if connection is None:  # pragma: no cover - --url is required
        raise UsageError("central release-workstation needs --url URL")
    store = open_central(connection)
    try:
        held = store.release_workstation(name)
    finally:
        store.engine.dispose()
    if held is None:
        print(f"Workstation {name} was not registered in {safe_url(connection.url)}: nothing to free.")
    else:
        print(f"Workstation {name} is free in {safe_url(connection.url)} (it was held by store {held[:8]}). The next "
              "store to sync under this name takes it and continues its numbers after the centre's.")
    return EXIT_OK


# -- audit -----------------------------------------------------------------------------------------------------
def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    _require_store(settings)
    counter = _open_counter(settings, read_only=True)
    try:
        try:
            found = counter.audit.verify(use_central=not args.no_central)
            latest = counter.audit.search(limit=1)
        except ValueError:  # an entry no longer reads as Counter wrote it (its detail is not JSON any more)
            seq = _unreadable_entry(settings.db_path)
            where = f"entry {seq}" if seq is not None else "an entry"
            return _fail(f"Audit trail broken at {where}: it cannot be read (it was edited outside Counter)",
                         EXIT_FAILED)
        checked, why = counter.audit.central_checked, counter.audit.central_reason
    finally:
        counter.close()
    if found is not None:
        return _fail(f"Audit trail broken at entry {found.seq}: {found.reason}", EXIT_FAILED)
    count = latest[0].seq if latest else 0
    head = f", head {latest[0].seq}:{latest[0].entry_hash[:12]}" if latest else ""
    entries = f"{count} {'entry' if count == 1 else 'entries'}{head}"
    if checked:
        print(f"Audit trail intact: {entries}; every entry the central database anchored matches")
        return EXIT_OK
    if args.no_central:
        print(f"Audit trail intact: {entries} (local chain only: --no-central)")
        return EXIT_OK
    print(f"Local chain intact: {entries}; centre not checked: {why}")
    return EXIT_CENTRE_NOT_CHECKED


def _unreadable_entry(db_path: Path) -> int | None:
    """The first audit entry whose detail no longer parses (read-only, straight from the file)."""
    import json
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            for seq, detail in conn.execute("SELECT seq, detail FROM audit_log ORDER BY seq"):
                try:
                    json.loads(detail)
                except (TypeError, ValueError):
                    return int(seq)
    except sqlite3.Error:
        return None
    return None
