"""One rule for every free-text field the counter stores or sends central.

Why one rule: a NUL byte makes PostgreSQL refuse a whole sync batch, a lone surrogate cannot be encoded at all,
a text longer than its central column is refused ("value too long") or silently cut (MariaDB), and a
right-to-left override can make a reason read differently on the supervisor's screen than what was typed. A text
is therefore checked once, at entry, against the same limits the central database has, and refused with a
message for the cashier (nothing is stored) instead of failing later in sync or an export.

What passes: any script (Hebrew, Arabic, CJK, emoji and other 4-byte characters, combining marks), normalised to
NFC so the same words are stored the same way; ZWJ and ZWNJ (emoji sequences and some scripts need them);
left-to-right and right-to-left *marks*. What is refused: NUL and other C0/C1 control characters (tab and line
breaks only in multi-line fields), lone surrogates, Unicode noncharacters, bidirectional embedding, override and
isolate controls (U+202A-U+202E, U+2066-U+2069), card numbers (:mod:`counter_app.payments.card_data`) and
anything longer than its column.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from counter_app.errors import UserError
from counter_app.payments.card_data import refuse_card_number


class TextError(UserError):
    """A typed text broke the text rule; ``field`` names where to show the message."""


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _noncharacters() -> str:
    ranges = ["\ufdd0-\ufdef"]
    ranges += [f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)]
    return "".join(ranges)


_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff" + _noncharacters()
_REFUSED_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")
_REFUSED_MULTILINE = re.compile(f"[{_ALWAYS}]")
_SPACES = re.compile(r"[^\S\n]+")  # runs of whitespace other than a line break

#: How each field is named in a message, in the cashier's words.
LABELS = {
    "reason": "the reason",
    "note": "the note",
    "description": "the description",
    "name": "the name",
    "first_name": "the first name",
    "last_name": "the last name",
    "address": "the address",
    "callback_window": "the callback time",
    "account": "the account or roll number",
    "related_receipt": "the related receipt number",
    "card_brand": "the card brand",
    "auth_code": "the authorisation code",
    "terminal_ref": "the terminal reference",
    "number": "the cheque or money order number",
    "room": "the room",
    "search": "the search",
    "staff_no": "the staff number",
    "receipt": "the receipt number",
    "service": "the service code",
    "gl": "the GL account",
    "article": "the article",
    "topic": "the topic",
}


def label_of(field: str) -> str:
    return LABELS.get(field, field.replace("_", " "))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _describe(char: str) -> str:
    """Why ``char`` is refused, in plain words."""
    code = ord(char)
    if char in "\n\r":
        return "must be one line: remove the line break"
    if char == "\t":
        return "must be one line: remove the tab"
    if 0xD800 <= code <= 0xDFFF:
        return "holds a broken character (half of an emoji or symbol): retype it"
    if char in BIDI_CONTROLS:
        return "holds an invisible text-direction control, which can disguise what it says: retype it"
    if code == 0:
        return "holds a NUL character (often pasted from another program): retype it"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"holds an invisible control character (U+{code:04X}): retype it"
    return f"holds U+{code:04X}, which is not a character: retype it"


def clean_text(
    value: object,
    field: str,
    *,
    max_len: int,
    multiline: bool = False,
    required: bool = False,
    min_len: int = 0,
    label: str | None = None,
    required_message: str | None = None,
    screen_cards: bool = True,
    error: type[UserError] = TextError,
) -> str:
    """The text as it will be stored (NFC, outer space trimmed, inner runs of spaces made one), or a TextError.

    ``max_len`` is the length of the central column the text ends in (characters, as PostgreSQL and MariaDB
    count them). ``min_len`` and ``required`` apply after cleaning; ``required_message`` replaces the default
    "Type the ..." wording. ``error`` is the caller's own refusal type (a DrawerError for a drawer rule, ...).
    """
    name = label or label_of(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise error(f"{_capital(name)} must be text.", field)
    text = value
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.strip()
    refused = (_REFUSED_MULTILINE if multiline else _REFUSED_ONE_LINE).search(text)
    if refused is not None:
        raise error(f"{_capital(name)} {_describe(refused.group())}.", field)
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    else:
        text = " ".join(text.split())
    if len(text) > max_len:
        raise error(f"Keep {name} to {max_len} characters (it has {len(text)}).", field)
    if screen_cards:
        refuse_card_number(text, field)
    if (required or min_len) and not text:
        raise error(required_message or f"Type {name}.", field)
    if len(text) < min_len:
        raise error(required_message or f"{_capital(name)} needs at least {min_len} characters.", field)
    return text


def clean_code(value: object, field: str, *, max_len: int, label: str | None = None) -> str:
    """A reference code or number typed or scanned (service code, staff number, receipt number): printable
    ASCII, no spaces inside, at most ``max_len`` characters; upper case is the caller's choice."""
    name = label or label_of(field)
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_len or not (text.isascii() and text.isprintable()) or " " in text:
        raise TextError(f"“{shown(text)}” is not a valid {name.removeprefix('the ')}.", field)
    return text


def clean_uuid(value: object, field: str) -> str:
    """An id the screens made (a visit, a referral): a UUID in its usual 36-character form."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        raise TextError("That record is not on this counter: start again from the list.", field) from None
    if str(parsed) != text.lower():
        raise TextError("That record is not on this counter: start again from the list.", field)
    return str(parsed)


_UNSAFE = re.compile(f"[{_ALWAYS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: NUL shows as ␀, ESC as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # �


def safe_text(text: str, *, pictures: bool = True) -> str:
    """``text`` with every character the text rule refuses replaced by a visible stand-in (never dropped).

    For what was stored before the rule existed, and for echoing typed text in a message: exports and screens
    show ``␛`` or ``�`` instead of crashing or hiding it. Tabs and line breaks are kept. ``pictures=False``
    uses ``�`` for every one (for a font without the Control Pictures block, such as the PDFs' DejaVu Sans).
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE.sub(_visible if pictures else "\ufffd", text)


def shown(text: str, limit: int = 24) -> str:
    """Typed text as a message may quote it: made safe, on one line, clipped to ``limit`` characters."""
    one_line = " ".join(safe_text(text or "").split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
