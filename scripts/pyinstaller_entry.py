"""Launcher that PyInstaller freezes (see build.spec): the bundle's counter-app runs counter_app.cli.main().

With COUNTER_BUNDLE_SELFTEST=1 in the environment the bundle instead checks that what it
loads at run time made it inside (Qt platform plugins, QtPdf, QtCharts, the fonts, the
Alembic migrations) and exits; CI runs this after building (see .ci/run).
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def bundle_selftest() -> int:
    import tempfile
    from pathlib import Path

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="counter-selftest-") as tmp:
        folder = Path(tmp)

        # The Alembic migrations are read from disk, so they must be in the bundle.
        import sqlite3

        from alembic import command

        from counter_app.store.migrations_config import alembic_config

        db = folder / "selftest.sqlite3"
        command.upgrade(alembic_config(f"sqlite:///{db}"), "head")
        with sqlite3.connect(db) as conn:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if not revision:
            print("self-test: the migrations did not run", file=sys.stderr)
            return 1

        # A receipt-like PDF in the bundled font, shown through QtPdf.
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        from counter_app.resources import resource_path

        pdfmetrics.registerFont(TTFont("DejaVuSans", str(resource_path("fonts", "DejaVuSans.ttf"))))
        pdf = folder / "selftest.pdf"
        page = canvas.Canvas(str(pdf))
        page.setFont("DejaVuSans", 12)
        page.drawString(72, 720, "Counter bundle self-test: $12.34 ✓")
        page.save()

        from PySide6.QtCharts import QChart, QChartView
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrinter
        from PySide6.QtSvg import QSvgRenderer
        from PySide6.QtWidgets import QApplication, QLabel

        app = QApplication([sys.argv[0]])
        document = QPdfDocument()
        document.load(str(pdf))
        image = document.render(0, document.pagePointSize(0).toSize()) if document.pageCount() else None
        if image is None or image.isNull():
            print(f"self-test: QtPdf could not render ({document.status()})", file=sys.stderr)
            return 1
        widgets = [QLabel("Counter"), QChartView(QChart())]
        for widget in widgets:
            widget.show()
        QPrinter()
        QSvgRenderer()
        app.processEvents()
        print(
            f"bundle self-test OK: schema {revision[0]}, PDF {image.width()}x{image.height()}, "
            f"Qt platform {QGuiApplication.platformName()}"
        )
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless the frozen app starts worker processes
    if os.environ.get("COUNTER_BUNDLE_SELFTEST") == "1":
        sys.exit(bundle_selftest())

    from counter_app.cli import main

    sys.exit(main())
