"""Canadian cash by denomination: notes, coins and coin rolls, counted as whole numbers."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.errors import UserError


@dataclass(frozen=True, slots=True)
class Denomination:
    code: str
    label: str
    value_cents: int  # of one note, coin or roll
    kind: str  # note | coin | roll


DENOMINATIONS: tuple[Denomination, ...] = (
    Denomination("n100", "$100 notes", 10_000, "note"),
    Denomination("n50", "$50 notes", 5_000, "note"),
    Denomination("n20", "$20 notes", 2_000, "note"),
    Denomination("n10", "$10 notes", 1_000, "note"),
    Denomination("n5", "$5 notes", 500, "note"),
    Denomination("c200", "$2 coins", 200, "coin"),
    Denomination("c100", "$1 coins", 100, "coin"),
    Denomination("c25", "25¢ coins", 25, "coin"),
    Denomination("c10", "10¢ coins", 10, "coin"),
    Denomination("c5", "5¢ coins", 5, "coin"),
    Denomination("r200", "$2 rolls (25 coins, $50)", 5_000, "roll"),
    Denomination("r100", "$1 rolls (25 coins, $25)", 2_500, "roll"),
    Denomination("r25", "25¢ rolls (40 coins, $10)", 1_000, "roll"),
    Denomination("r10", "10¢ rolls (50 coins, $5)", 500, "roll"),
    Denomination("r5", "5¢ rolls (40 coins, $2)", 200, "roll"),
)
BY_CODE = {d.code: d for d in DENOMINATIONS}
MAX_PIECES = 10_000


@dataclass(frozen=True, slots=True)
class CashCount:
    """How many of each denomination: the only way cash enters a drawer's books at open and close."""

    pieces: tuple[tuple[str, int], ...]

    @property
    def total_cents(self) -> int:
        return sum(BY_CODE[code].value_cents * n for code, n in self.pieces)

    def of(self, code: str) -> int:
        return dict(self.pieces).get(code, 0)

    def by_kind(self, kind: str) -> int:
        return sum(BY_CODE[code].value_cents * n for code, n in self.pieces if BY_CODE[code].kind == kind)

    def as_dict(self) -> dict[str, int]:
        return dict(self.pieces)


def parse_count(typed: dict[str, str]) -> CashCount:
    """Counts as typed in the grid: blank is zero; negative, fractional or non-numeric counts are refused."""
    pieces: list[tuple[str, int]] = []
    for code, text in typed.items():
        if code not in BY_CODE:
            raise UserError(f"Unknown denomination “{code[:10]}”.", code)
        value = (text or "").strip()
        if not value:
            continue
        if len(value) > 6 or not (value.isascii() and value.isdigit()):
            label = BY_CODE[code].label
            raise UserError(f"{label}: type how many, as a whole number (0 or more).", code)
        count = int(value)
        if count > MAX_PIECES:
            raise UserError(f"{BY_CODE[code].label}: {count} is more than a drawer holds; check the count.", code)
        if count:
            pieces.append((code, count))
    order = {d.code: i for i, d in enumerate(DENOMINATIONS)}
    return CashCount(tuple(sorted(pieces, key=lambda p: order[p[0]])))


def count_of(pieces: dict[str, int]) -> CashCount:
    return parse_count({code: str(n) for code, n in pieces.items()})
