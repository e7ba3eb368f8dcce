"""Which receipt printer a workstation uses, read from the ``"printer"`` section of settings.json.

Parsed once at start-up into a frozen :class:`PrinterConfig`, so a typo in the settings file is refused with a
sentence naming the field, instead of surfacing as a device error at the first sale. Pure: no device is touched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ESCPOS_KINDS", "KINDS", "PrinterConfig", "parse_printer_config"]

#: ``pdf``: no printer, receipts are saved and previewed; ``system``: the Qt print dialog (handled by the UI);
#: ``escpos-*``: a thermal receipt printer driven directly, with its cash drawer.
KINDS = ("pdf", "system", "escpos-network", "escpos-usb", "escpos-serial", "escpos-file", "escpos-dummy")
ESCPOS_KINDS = tuple(kind for kind in KINDS if kind.startswith("escpos-"))
DRAWER_PINS = (2, 5)
WIDTHS = (42, 48)
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)

#: Every key the section may hold; keys of another kind are allowed (and ignored), so switching kinds in the
#: file does not mean deleting the other kind's fields, but a misspelt key is refused.
_KEYS = frozenset({
    "kind", "host", "port", "timeout", "vendor_id", "product_id", "devfile", "baudrate", "path",
    "drawer_pin", "width", "open_drawer_on_cash",
})


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """A validated printer choice; only the fields of ``kind`` are meaningful."""

    kind: str = "pdf"
    host: str = ""
    port: int = 9100
    #: Seconds to wait for the printer (network, USB, serial): long enough for a sleeping printer, short enough
    #: for a cashier with a queue.
    timeout: float = 5.0
    vendor_id: int = 0
    product_id: int = 0
    devfile: str = ""
    baudrate: int = 9600
    path: str = ""
    drawer_pin: int = 2
    #: Characters per line in the printer's font A: 48 on most 80 mm printers, 42 on some (TM-T88 family).
    width: int = 48
    open_drawer_on_cash: bool = True

    @property
    def is_escpos(self) -> bool:
        """True when the app drives the printer (and its cash drawer) itself."""
        return self.kind in ESCPOS_KINDS

    def location(self) -> str:
        """Where the printer is, as a phrase after "The receipt printer": ``at 10.1.2.3:9100``."""
        if self.kind == "escpos-network":
            return f"at {self.host}:{self.port}"
        if self.kind == "escpos-usb":
            return f"on USB ({self.vendor_id:04X}:{self.product_id:04X})"
        if self.kind == "escpos-serial":
            return f"on {self.devfile}"
        if self.kind == "escpos-file":
            return f"at {self.path}"
        if self.kind == "escpos-dummy":
            return "(test printer, nothing is printed)"
        return ""

    def describe(self) -> str:
        """One line for the settings screen: "Thermal printer at 10.1.2.3:9100"."""
        if self.kind == "pdf":
            return "No receipt printer: receipts are saved as PDF and shown on screen"
        if self.kind == "system":
            return "System printer, chosen in the print dialog"
        if self.kind == "escpos-serial":
            return f"Thermal printer on serial port {self.devfile} at {self.baudrate} baud"
        if self.kind == "escpos-file":
            return f"Thermal printer writing to {self.path}"
        if self.kind == "escpos-dummy":
            return "Test printer: nothing is printed"
        return f"Thermal printer {self.location()}"


def parse_printer_config(data: Mapping[str, Any] | None) -> PrinterConfig:
    """The ``"printer"`` section as a :class:`PrinterConfig`; ``None`` or ``{}`` means no printer (PDF only).

    Raises :class:`ValueError` with a sentence an administrator can act on.
    """
    if data is None:
        return PrinterConfig()
    if not isinstance(data, Mapping):
        raise ValueError('printer must be an object such as {"kind": "escpos-network", "host": "10.1.2.3"}.')
    unknown = sorted(str(key) for key in data if key not in _KEYS)
    if unknown:
        raise ValueError(f"printer: unknown setting {', '.join(unknown)}; the settings are {', '.join(sorted(_KEYS))}.")
    kind = data.get("kind", "pdf")
    if kind not in KINDS:
        raise ValueError(f"printer.kind {kind!r} is not a printer kind: use one of {', '.join(KINDS)}.")

    fields: dict[str, Any] = {
        "kind": kind,
        "drawer_pin": _choice(data, "drawer_pin", DRAWER_PINS, 2),
        "width": _choice(data, "width", WIDTHS, 48),
        "open_drawer_on_cash": _flag(data, "open_drawer_on_cash", True),
    }
    if kind in ESCPOS_KINDS:
        fields["timeout"] = _seconds(data, "timeout", 5.0)
    if kind == "escpos-network":
        fields["host"] = _required_text(data, "host", "the printer's IP address or host name, e.g. 10.1.2.3")
        if any(c.isspace() for c in fields["host"]) or ":" in fields["host"]:
            raise ValueError(f"printer.host {fields['host']!r} is not a host name: put the port in printer.port.")
        fields["port"] = _integer(data, "port", 9100, 1, 65535)
    elif kind == "escpos-usb":
        fields["vendor_id"] = _usb_id(data, "vendor_id")
        fields["product_id"] = _usb_id(data, "product_id")
    elif kind == "escpos-serial":
        fields["devfile"] = _required_text(data, "devfile", "the serial port, e.g. /dev/ttyS0 or COM1")
        fields["baudrate"] = _choice(data, "baudrate", BAUDRATES, 9600)
    elif kind == "escpos-file":
        fields["path"] = _required_text(data, "path", "the printer's device file, e.g. /dev/usb/lp0")
    return PrinterConfig(**fields)


# --- field readers ---------------------------------------------------------------------------------------------


def _required_text(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"printer.{key} is missing: give {what}.")
    return value.strip()


def _integer(data: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    """An int, or a string of digits (a settings form may store numbers as text); bools are refused."""
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"printer.{key} {value!r} is not valid: use a whole number from {low} to {high}.")
    return value


def _choice(data: Mapping[str, Any], key: str, choices: tuple[int, ...], default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or value not in choices:
        raise ValueError(f"printer.{key} {value!r} is not valid: use one of {', '.join(map(str, choices))}.")
    return int(value)


def _seconds(data: Mapping[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 < value <= 120:
        raise ValueError(f"printer.{key} {value!r} is not valid: use a number of seconds above 0, at most 120.")
    return float(value)


def _flag(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"printer.{key} {value!r} is not valid: use true or false.")
    return value


def _usb_id(data: Mapping[str, Any], key: str) -> int:
    """A USB vendor or product id: an int, or hex text as printed by lsusb ("04b8" or "0x04B8")."""
    if key not in data:
        raise ValueError(f"printer.{key} is missing: give the USB id in hex, as lsusb shows it, e.g. \"04b8\".")
    value = data[key]
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        if text and all(c in "0123456789abcdef" for c in text):
            number = int(text, 16)
    if number is None or not 0 < number <= 0xFFFF:
        raise ValueError(f"printer.{key} {value!r} is not a USB id: use four hex digits, e.g. \"04b8\".")
    return number
