"""One reconciliation export for finance: CSV files for the ledger, a PDF for people and a workbook, together.

The export is one folder named after the drawer's Z number or the day. Every file is rendered in memory first,
written into a hidden sibling folder, and only then swapped in for any previous export of the same name, so
finance never picks up a mix of old and new files, and a failed export leaves the previous one untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from counter_app.drawer.reconciliation import Reconciliation
from counter_app.export.atomic import ExportError, check_writable, describe_os_error, fsync_folder, write_all
from counter_app.export.csv_files import csv_files
from counter_app.export.pdf_report import pdf_report
from counter_app.export.xlsx_workbook import xlsx_workbook

__all__ = ["ExportedFile", "Progress", "ReconciliationExporter"]

#: ``progress(percent, label)``: a GUI progress bar follows the steps with it.
Progress = Callable[[int, str], None]
_FORBIDDEN_IN_NAME = set('/\\:*?"<>|\0')


@dataclass(frozen=True, slots=True)
class ExportedFile:
    name: str
    path: Path
    sha256: str
    size: int

    def as_record(self) -> dict[str, object]:
        """For the export log (``files_json``): finance can prove a file is the one Counter wrote."""
        return {"name": self.name, "path": str(self.path), "sha256": self.sha256, "size": self.size}


def _check_basename(basename: str) -> None:
    if not basename or basename in (".", "..") or basename.startswith(".") or _FORBIDDEN_IN_NAME & set(basename):
        raise ValueError(f"Export name {basename!r} is not a plain folder name.")


class ReconciliationExporter:
    """Renders and writes an export; holds no state, so one instance serves every drawer and day."""

    def export(
        self,
        recon: Reconciliation,
        folder: Path,
        *,
        business_date: date,
        basename: str,
        title: str,
        prepared_by: str = "",
        approved_by: str = "",
        progress: Progress | None = None,
        tz: tzinfo | None = None,
        generated_at: datetime | None = None,
    ) -> list[ExportedFile]:
        """Write ``folder/<basename>/`` (CSVs, ``<basename>.pdf``, ``<basename>.xlsx``) and list what was written.

        Raises :class:`ExportError` (a refusal worded for the cashier) when the folder cannot be written. Every
        progress call but the last comes before anything is written, so a GUI may cancel by raising from one.
        """
        _check_basename(basename)
        report = progress or (lambda percent, label: None)
        folder = Path(folder)
        report(0, "Checking the export folder")
        existed = folder.is_dir()
        check_writable(folder)
        try:
            return self._render_and_write(recon, folder, business_date=business_date, basename=basename, title=title,
                                          prepared_by=prepared_by, approved_by=approved_by, report=report, tz=tz,
                                          generated_at=generated_at)
        except BaseException:
            if not existed:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if still empty: the folder this export made for itself
            raise

    def _render_and_write(self, recon: Reconciliation, folder: Path, *, business_date: date, basename: str,
                          title: str, prepared_by: str, approved_by: str, report: Progress, tz: tzinfo | None,
                          generated_at: datetime | None) -> list[ExportedFile]:
        report(10, "Preparing the CSV files for the ledger")
        files = csv_files(recon, business_date=business_date, title=title, tz=tz)
        report(30, "Drawing the PDF report")
        files[f"{basename}.pdf"] = pdf_report(recon, business_date=business_date, title=title,
                                              prepared_by=prepared_by, approved_by=approved_by, tz=tz,
                                              generated_at=generated_at)
        report(65, "Building the spreadsheet")
        files[f"{basename}.xlsx"] = xlsx_workbook(recon, business_date=business_date, title=title, tz=tz)
        report(85, "Saving the files")
        target = folder / basename
        self._write_folder(folder, target, files)
        report(100, "Export complete")
        return [ExportedFile(name, target / name, hashlib.sha256(data).hexdigest(), len(data))
                for name, data in files.items()]

    @staticmethod
    def _write_folder(folder: Path, target: Path, files: dict[str, bytes]) -> None:
        """Write into a hidden sibling, then swap it in; the old export is deleted only once the new one is there."""
        staging = _fresh_name(folder, target.name, "partial")
        try:
            os.mkdir(staging)  # not mkdtemp: honour the umask so finance can read the folder
        except OSError as error:
            raise ExportError(f"Cannot write to {folder}: {describe_os_error(error)}. Choose another folder.") \
                from error
        aside: Path | None = None
        try:
            write_all(staging, files)
            if target.exists() or target.is_symlink():
                aside = _fresh_name(folder, target.name, "old")
                os.rename(target, aside)
            try:
                os.rename(staging, target)
            except OSError:
                if aside is not None:
                    os.rename(aside, target)
                raise
            fsync_folder(folder)
        except (OSError, ExportError) as error:
            shutil.rmtree(staging, ignore_errors=True)
            cause = error.__cause__ if isinstance(error, ExportError) else error
            reason = describe_os_error(cause) if isinstance(cause, OSError) else "the write failed"
            raise ExportError(f"Could not save the export in {folder}: {reason}. Nothing was changed; choose "
                              "another folder.") from cause
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if aside is not None:
            _remove(aside)


def _fresh_name(folder: Path, basename: str, role: str) -> Path:
    return folder / f".{basename}.{role}-{secrets.token_hex(4)}"


def _remove(path: Path) -> None:
    """Best effort: a leftover hidden ``.old`` folder is harmless, a failed export after success is not."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
