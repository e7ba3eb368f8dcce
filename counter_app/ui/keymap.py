"""Every key the counter answers to, per screen: the help overlay (F1) and the hint strips read them from here."""

from __future__ import annotations

GLOBAL_KEYS: tuple[tuple[str, str], ...] = (
    ("F1", "Show or hide this help"),
    ("F2", "Payment screen (the sale in progress)"),
    ("F3", "Go to Scan or search"),
    ("F4", "Today's transactions"),
    ("F10", "Pay: go to the tender screen"),
    ("F12 / Ctrl+N", "Next resident"),
    ("Ctrl+Q", "Sign out"),
)

SCREEN_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "login": (
        ("Enter", "Next field; in PIN: sign in"),
        ("Tab", "Move between fields"),
    ),
    "payment": (
        ("Type", "Search services as you type"),
        ("Scan / digits + Enter", "Look up a bill and add it with the full amount due"),
        ("Up / Down", "Move in the service list"),
        ("Enter", "Add the highlighted service"),
        ("Ctrl+1 … Ctrl+9", "Quick keys (shown in the list)"),
        ("Ctrl+Up / Ctrl+Down", "Select a line of the sale"),
        ("Ctrl+E", "Change the amount of the selected bill line"),
        ("Delete", "Remove the selected line (when the search field is empty)"),
        ("Esc", "Close the account or amount panel"),
        ("F7", "Open your drawer (count the float)"),
    ),
    "tender": (
        ("F5 F6 F7 F8 F9", "Cash, Debit, Credit card, Cheque, Money order"),
        ("Enter", "Next field; in the last field: add the tender"),
        ("Ctrl+Delete", "Remove the selected tender (Delete in the list)"),
        ("Esc", "Back to the lines (only with no tenders entered)"),
    ),
    "receipt": (
        ("Ctrl+P", "Print the receipt"),
        ("Ctrl+S", "Save the receipt as PDF"),
        ("Ctrl+L", "Switch 80 mm roll / letter page"),
        ("Enter / F12", "Next resident"),
        ("Esc", "Back (reprints: to today's transactions)"),
    ),
    "transactions": (
        ("Up / Down", "Choose a receipt"),
        ("Enter / R", "Reprint (marked COPY)"),
        ("V", "Void (supervisor approval)"),
        ("F", "Refund lines (supervisor approval)"),
        ("Ctrl+R", "Refresh the list"),
        ("Esc", "Back to the payment screen"),
    ),
}

#: The short strip at the foot of each screen.
HINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "login": (("Enter", "Sign in"), ("F1", "Help")),
    "payment": (
        ("F3", "Search"), ("Ctrl+1–9", "Quick keys"), ("Ctrl+E", "Change amount"), ("Del", "Remove line"),
        ("F10", "Pay"), ("F4", "Today"), ("F1", "Help"),
    ),
    "tender": (
        ("F5", "Cash"), ("F6", "Debit"), ("F7", "Credit"), ("F8", "Cheque"), ("F9", "Money order"),
        ("Enter", "Add tender"), ("Ctrl+Del", "Remove tender"), ("Esc", "Back"), ("F1", "Help"),
    ),
    "receipt": (
        ("Ctrl+P", "Print"), ("Ctrl+S", "Save PDF"), ("Ctrl+L", "Letter / roll"), ("Enter", "Next resident"),
        ("F1", "Help"),
    ),
    "transactions": (
        ("Enter", "Reprint"), ("V", "Void"), ("F", "Refund"), ("Ctrl+R", "Refresh"), ("Esc", "Back"),
        ("F1", "Help"),
    ),
}

TITLES = {
    "login": "Sign in",
    "payment": "Payment",
    "tender": "Tender",
    "receipt": "Receipt",
    "transactions": "Today's transactions",
}
