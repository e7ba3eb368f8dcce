"""Reconciliation exports for finance (CSV, PDF, XLSX): an adapter at the edge, free of Qt and the database."""

from counter_app.export.atomic import ExportError, check_writable, write_atomically
from counter_app.export.csv_files import CSV_NAMES, csv_files
from counter_app.export.exporter import ExportedFile, Progress, ReconciliationExporter
from counter_app.export.pdf_report import pdf_report
from counter_app.export.xlsx_workbook import xlsx_workbook

__all__ = [
    "CSV_NAMES",
    "ExportError",
    "ExportedFile",
    "Progress",
    "ReconciliationExporter",
    "check_writable",
    "csv_files",
    "pdf_report",
    "write_atomically",
    "xlsx_workbook",
]
