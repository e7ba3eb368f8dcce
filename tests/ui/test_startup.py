"""Start-up: the sign-in window paints before the heavy imports, and the counter opens in the background."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: ``build`` imports the composition root lazily, in the worker thread: counter_app.app pulls in SQLAlchemy and
#: the exporters (~0.4 s), which must not run before the first paint.
LAUNCHER = """
import sys
from pathlib import Path
from counter_app.config import Settings
from counter_app.ui.main import run_gui

def build(settings):
    from counter_app.app import build_counter
    return build_counter(settings)

sys.exit(run_gui(Settings(data_dir=Path(sys.argv[1]), workstation="CH1-02", demo=True), build, startup_probe=True))
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COUNTER_T0=repr(time.time()))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=env, check=False)


def test_the_sign_in_window_needs_no_database_or_pdf_modules() -> None:
    code = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from counter_app.ui.main import run_gui
from counter_app.ui.main_window import MainWindow
from counter_app.ui.theme import apply_theme
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "reportlab")
               or m in ("PySide6.QtPdf", "PySide6.QtPrintSupport", "counter_app.store"))
print(",".join(heavy) or "none")
"""
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


def test_startup_probe_reports_first_paint_then_ready(tmp_path: Path) -> None:
    result = _run(LAUNCHER, str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.split("\n") if line.strip())
    first_paint, ready = float(lines["first-paint"]), float(lines["ready"])
    assert 0 < first_paint <= ready
    # generous bounds for a loaded CI machine; measured on the dev box: ~0.27 s and ~1.1-1.4 s
    assert first_paint < 2.0 and ready < 6.0
    assert (tmp_path / "counter.sqlite3").exists()
