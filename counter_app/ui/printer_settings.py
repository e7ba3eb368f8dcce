"""Receipt printer settings: choose the kind and its fields, check them with the printing adapter, save them.

The choice goes to the ``"printer"`` section of ``settings.json`` in the data folder: read, change that one key,
write a temporary file beside it and rename it into place, so a crash never leaves half a settings file and the
other settings stay as they were. Only printer fields are written (a printer has no secrets); the file stays private
to the user (0600 on POSIX), as the rest of the data folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QGridLayout, QLabel, QVBoxLayout, QWidget

from counter_app.config import ConfigError
from counter_app.errors import UserError
from counter_app.printing.printer_config import BAUDRATES, PrinterConfig, parse_printer_config
from counter_app.settings_file import read_settings_file, write_settings_file
from counter_app.ui.widgets import EnterLineEdit, FieldError, Notice, add_shortcut

KIND_LABELS = (
    ("pdf", "No receipt printer: PDF and the screen only"),
    ("system", "System printer (the print dialog)"),
    ("escpos-network", "Thermal printer on the network (ESC/POS)"),
    ("escpos-usb", "Thermal printer on USB (ESC/POS)"),
    ("escpos-serial", "Thermal printer on a serial port (ESC/POS)"),
    ("escpos-file", "Thermal printer as a device file (ESC/POS)"),
    ("escpos-dummy", "Test printer: nothing is printed"),
)
#: The fields each kind shows, in order; every thermal kind adds the drawer and paper fields.
KIND_FIELDS = {
    "pdf": (),
    "system": (),
    "escpos-network": ("host", "port", "timeout"),
    "escpos-usb": ("vendor_id", "product_id", "timeout"),
    "escpos-serial": ("devfile", "baudrate", "timeout"),
    "escpos-file": ("path",),
    "escpos-dummy": (),
}
THERMAL_FIELDS = ("drawer_pin", "width", "open_drawer_on_cash")
CAPTIONS = {
    "host": "Printer address (IP or host name)",
    "port": "Port",
    "timeout": "Wait for the printer (seconds)",
    "vendor_id": "USB vendor id (hex, as lsusb shows it)",
    "product_id": "USB product id (hex)",
    "devfile": "Serial port (e.g. /dev/ttyS0 or COM1)",
    "baudrate": "Speed (baud)",
    "path": "Device file (e.g. /dev/usb/lp0)",
    "drawer_pin": "Cash drawer connector pin",
    "width": "Characters per line",
    "open_drawer_on_cash": "Open the cash drawer on a cash payment",
}


class SettingsFileError(UserError):
    """settings.json could not be read or written; the message says what to do."""


def save_printer_section(data_dir: Path, section: dict[str, Any]) -> PrinterConfig:
    """Validate ``section`` and store it as ``"printer"`` in ``data_dir/settings.json``, keeping the other keys.

    The file is read and written by :mod:`counter_app.settings_file`, so the other keys pass the same checks as
    at start-up and the new file is private to the user (0600 on POSIX) like the rest of the data folder.
    """
    config = parse_printer_config(section)  # ValueError: the caller shows it next to the field
    path = Path(data_dir) / "settings.json"
    try:
        stored = read_settings_file(path)
    except ConfigError as exc:
        raise SettingsFileError(f"{str(exc).rstrip('.')}; nothing was saved. Ask IT to fix it.", "kind") from exc
    stored["printer"] = {key: section[key] for key in sorted(section)}
    try:
        write_settings_file(path, stored)
    except ConfigError as exc:  # pragma: no cover - the section was checked above, the rest was read checked
        raise SettingsFileError(f"{str(exc).rstrip('.')}; nothing was saved.", "kind") from exc
    except OSError as exc:
        raise SettingsFileError(f"Could not save {path} ({exc.strerror or exc}); nothing was changed.",
                                "kind") from exc
    return config


def _number(text: str) -> object:
    """Typed digits as a number (the settings file keeps numbers), anything else as typed for the check."""
    value = text.strip()
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


class PrinterSettingsDialog(QDialog):
    """Up/Down chooses the kind, Enter moves on, Ctrl+Enter saves, Ctrl+T prints a test slip, Esc cancels."""

    save_requested = Signal(dict)  # the "printer" section to validate and save
    test_requested = Signal(dict)

    def __init__(self, current: PrinterConfig, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printerSettingsDialog")
        self.setWindowTitle("Receipt printer and cash drawer")
        self.setModal(True)
        self.setMinimumWidth(860)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 20, 24, 20)
        box.setSpacing(6)
        title = QLabel("Receipt printer and cash drawer")
        title.setObjectName("panelTitle")
        box.addWidget(title)
        self.current_label = QLabel(f"Now: {current.describe()}")
        self.current_label.setObjectName("dialogSummary")
        self.current_label.setWordWrap(True)
        box.addWidget(self.current_label)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(3)
        self.kind = QComboBox()
        self.kind.setObjectName("printerKind")
        self.kind.setMinimumWidth(480)
        for code, label in KIND_LABELS:
            self.kind.addItem(label, code)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {"kind": FieldError()}
        self._rows: dict[str, list[QWidget]] = {}
        kind_label = QLabel("Printer")
        kind_label.setObjectName("fieldLabel")
        kind_label.setBuddy(self.kind)
        grid.addWidget(kind_label, 0, 0)
        grid.addWidget(self.kind, 0, 1)
        grid.addWidget(self.errors["kind"], 1, 1)
        row = 2
        for key in ("host", "port", "vendor_id", "product_id", "devfile", "baudrate", "path", "timeout",
                    *THERMAL_FIELDS):
            widget: QWidget
            if key == "baudrate":
                combo = QComboBox()
                for rate in BAUDRATES:
                    combo.addItem(str(rate), rate)
                widget = combo
            elif key == "drawer_pin":
                combo = QComboBox()
                combo.addItem("Pin 2 (most drawers)", 2)
                combo.addItem("Pin 5", 5)
                widget = combo
            elif key == "width":
                combo = QComboBox()
                combo.addItem("48 (most 80 mm printers)", 48)
                combo.addItem("42 (TM-T88 family)", 42)
                widget = combo
            elif key == "open_drawer_on_cash":
                widget = QCheckBox(CAPTIONS[key])
            else:
                edit = EnterLineEdit()
                edit.setMaxLength(120)
                edit.returnPressed.connect(self.focusNextChild)
                edit.textEdited.connect(lambda _t, k=key: self.errors[k].clear_message())
                widget = edit
            widget.setObjectName(f"printer_{key}")
            caption = QLabel("" if key == "open_drawer_on_cash" else CAPTIONS[key])
            caption.setObjectName("fieldLabel")
            caption.setBuddy(widget)
            error = FieldError()
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            self.fields[key] = widget
            self.errors[key] = error
            self._rows[key] = [caption, widget]
            row += 2
        grid.setColumnStretch(1, 1)
        box.addLayout(grid)
        self.notice = Notice()
        box.addWidget(self.notice)
        hint = QLabel("Up / Down: printer kind · Enter: next field · Ctrl+Enter: save · Ctrl+T: test slip · "
                      "Esc: cancel")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        box.addWidget(hint)

        self._fill(current)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_kind())
        self._show_kind()
        if problem:
            self.notice.say(problem, "error")
        add_shortcut(self, "Ctrl+Return", self._save)
        add_shortcut(self, "Ctrl+Enter", self._save)
        add_shortcut(self, "Ctrl+T", lambda: self.test_requested.emit(self.section()))
        self.kind.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- fields ---------------------------------------------------------------------------------------------
    def _text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.text() if isinstance(widget, EnterLineEdit) else ""

    def _fill(self, config: PrinterConfig) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(config.kind)))
        texts = {
            "host": config.host, "port": str(config.port), "timeout": f"{config.timeout:g}",
            "vendor_id": f"{config.vendor_id:04x}" if config.vendor_id else "",
            "product_id": f"{config.product_id:04x}" if config.product_id else "",
            "devfile": config.devfile, "path": config.path,
        }
        for key, text in texts.items():
            widget = self.fields[key]
            if isinstance(widget, EnterLineEdit):
                widget.setText(text)
        for key, value in (("baudrate", config.baudrate), ("drawer_pin", config.drawer_pin), ("width", config.width)):
            combo = self.fields[key]
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(max(0, combo.findData(value)))
        check = self.fields["open_drawer_on_cash"]
        if isinstance(check, QCheckBox):
            check.setChecked(config.open_drawer_on_cash)

    def chosen_kind(self) -> str:
        return str(self.kind.currentData())

    def _visible_keys(self) -> tuple[str, ...]:
        kind = self.chosen_kind()
        return (*KIND_FIELDS[kind], *(THERMAL_FIELDS if kind.startswith("escpos-") else ()))

    def _show_kind(self) -> None:
        shown = set(self._visible_keys())
        for key, widgets in self._rows.items():
            for widget in widgets:
                widget.setVisible(key in shown)
            if key not in shown:
                self.errors[key].clear_message()
        self.errors["kind"].clear_message()
        self.notice.say("")
        self.adjustSize()

    def section(self) -> dict[str, Any]:
        """The ``"printer"`` section as typed: only the chosen kind's fields."""
        section: dict[str, Any] = {"kind": self.chosen_kind()}
        for key in self._visible_keys():
            widget = self.fields[key]
            if isinstance(widget, QCheckBox):
                section[key] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                section[key] = widget.currentData()
            elif key in ("port", "timeout"):
                section[key] = _number(self._text(key))
            else:
                section[key] = self._text(key).strip()
        return section

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on the kind, a list or the tick box moves on, as it does in the text fields."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- results --------------------------------------------------------------------------------------------
    def _save(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.notice.say("Saving…", "info")
        self.save_requested.emit(self.section())

    def show_error(self, message: str, field: str = "") -> None:
        """A refusal under its field: ``field`` is a setting name, or found in "printer.<name> …"."""
        key = field
        if not key and message.startswith("printer."):
            key = message.removeprefix("printer.").split(" ", 1)[0].rstrip(":,.")
        target = self.fields.get(key)
        if key in self.errors and (key == "kind" or (target is not None and target.isVisible())):
            self.errors[key].show_message(message)
            self.notice.say("")
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.notice.say(message, "error")

    def show_saved(self, config: PrinterConfig) -> None:
        self.current_label.setText(f"Now: {config.describe()}")
        self.notice.say(f"Saved. {config.describe()}.", "success")

    def show_info(self, message: str, tone: str = "info") -> None:
        self.notice.say(message, tone)
