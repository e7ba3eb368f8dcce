"""Domain errors carry a message written for the cashier, and the field it concerns."""


class PaymentError(ValueError):
    """A business rule refused the cashier's input; ``field`` names where to show the message."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
