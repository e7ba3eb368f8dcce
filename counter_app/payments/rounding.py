"""Canadian cash rounding: since the penny left circulation, cash totals round to the nearest 5 cents."""

# Last cent digit -> adjustment: 1, 2 go down to 0; 3, 4 up to 5; 6, 7 down to 5; 8, 9 up to 10.
_ADJUST = {0: 0, 1: -1, 2: -2, 3: 2, 4: 1, 5: 0, 6: -1, 7: -2, 8: 2, 9: 1}


def round_cash(cents: int) -> int:
    """Round an amount payable in cash to the nearest nickel; negatives (cash refunds) mirror positives."""
    if cents < 0:
        return -round_cash(-cents)
    return cents + _ADJUST[cents % 10]
