"""Payment errors carry a message written for the cashier, and the field it concerns."""

from counter_app.errors import UserError


class PaymentError(UserError):
    """A payment rule refused the cashier's input; ``field`` names where to show the message."""
