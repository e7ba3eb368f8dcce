"""How long from double-click to a usable counter: first paint of the sign-in window, and "ready" (store open).

Not a test: run it on the counter PC and compare with the targets (median first paint <= 0.6 s, ready <= 1.5 s)
and with the baselines that no app code can beat (an empty PySide6 window; ``import sqlalchemy``; a bare
interpreter).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_startup.py [--runs 10] [--imports]

Each run is ``python -m counter_app --demo --data-dir <tmp> --startup-probe``: the app prints ``first-paint <s>``
and ``ready <s>`` (seconds since ``COUNTER_T0``, which this script sets just before starting the process, so the
interpreter's own start-up counts) and quits. One warm-up run creates, migrates and seeds the store first; it is
reported on its own line ("first start"). ``--imports`` adds the 15 slowest imports of one run (``-X importtime``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_FIRST_PAINT = 0.6
TARGET_READY = 1.5
_PROBE = re.compile(r"^(first-paint|ready)\s+([0-9.]+)\s*$")

EMPTY_WINDOW = """
import os, sys, time
t0 = float(os.environ["COUNTER_T0"])
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print(f"first-paint {time.time() - t0:.3f}", flush=True), app.quit()))
        return False

app = QApplication(sys.argv)
window = QWidget()
window.resize(1366, 768)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
sys.exit(app.exec())
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["COUNTER_T0"] = repr(time.time())
    return env


def run_probe(command: list[str], timeout: float = 60) -> tuple[dict[str, float], float, str]:
    """Run once; return the probe figures, the process wall time, and anything odd it printed."""
    env = _env()
    started = float(env["COUNTER_T0"])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    wall = time.time() - started
    figures: dict[str, float] = {}
    for line in done.stdout.splitlines():
        match = _PROBE.match(line.strip())
        if match:
            figures[match.group(1)] = float(match.group(2))
    ok = done.returncode == 0 and figures
    problem = "" if ok else f"exit {done.returncode}: {done.stdout[-300:]}{done.stderr[-600:]}"
    return figures, wall, problem


def wall_time(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return times


def slowest_imports(command: list[str], count: int = 15) -> list[tuple[float, str]]:
    """Cumulative import times (s) of one run, from ``python -X importtime``; top-level view of where time goes."""
    env = _env()
    done = subprocess.run([command[0], "-X", "importtime", *command[1:]], env=env, capture_output=True, text=True,
                          timeout=60, cwd=ROOT, check=False)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            if depth <= 1:  # imported by the app itself, or by its direct imports
                rows.append((int(parts[1]) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:count]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", action="store_true", help="also list the slowest imports of one app run")
    args = parser.parse_args(argv)
    python = sys.executable
    if not (ROOT / "counter_app" / "ui" / "main.py").exists():
        print("counter_app/ui/main.py is missing: the GUI (and its --startup-probe) is not there yet.")
        return 1
    with tempfile.TemporaryDirectory(prefix="counter-startup-") as tmp:
        app = [python, "-m", "counter_app", "--demo", "--data-dir", tmp, "--startup-probe"]
        first, first_wall, problem = run_probe(app)
        if problem:
            print(f"the app did not start: {problem}")
            return 1
        paints, readies, walls = [], [], []
        for _ in range(args.runs):
            figures, wall, problem = run_probe(app)
            if problem:
                print(f"a run failed: {problem}")
                return 1
            paints.append(figures["first-paint"])
            readies.append(figures["ready"])
            walls.append(wall)
        imports = slowest_imports(app) if args.imports else []
        script = Path(tmp) / "empty_window.py"
        script.write_text(EMPTY_WINDOW, encoding="utf-8")
        empty = [run_probe([python, str(script)])[0].get("first-paint", float("nan")) for _ in range(args.runs)]
    sqlalchemy = wall_time([python, "-c", "import sqlalchemy"], args.runs)
    bare = wall_time([python, "-c", "pass"], args.runs)

    print(f"{args.runs} runs each, QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'offscreen')}; seconds")
    print(f"{'':44}{'median':>8}{'min':>8}{'max':>8}")
    for name, values in (
        ("app first paint", paints), ("app ready (store open, sign-in works)", readies),
        ("app process wall time (incl. quit)", walls), ("baseline: empty PySide6 window, first paint", empty),
        ("baseline: python -c 'import sqlalchemy'", sqlalchemy), ("baseline: python -c 'pass'", bare),
    ):
        print(f"{name:44}{_median(values):8.3f}{min(values):8.3f}{max(values):8.3f}")
    print(f"first start (creates, migrates, seeds the store): first paint {first.get('first-paint', 0):.3f}, "
          f"ready {first.get('ready', 0):.3f}, wall {first_wall:.3f}")
    paint, ready = _median(paints), _median(readies)
    print(f"target first paint <= {TARGET_FIRST_PAINT} s: {'met' if paint <= TARGET_FIRST_PAINT else 'MISSED'}; "
          f"target ready <= {TARGET_READY} s: {'met' if ready <= TARGET_READY else 'MISSED'}")
    if imports:
        print("slowest imports of one run (cumulative, s):")
        for seconds, name in imports:
            print(f"  {seconds:6.3f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
