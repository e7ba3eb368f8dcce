"""The one error type a person sees: a refusal worded for the cashier, and the field it concerns.

Every domain raises a subclass; the UI shows ``message`` next to ``field`` and the commands print it.
"""


class UserError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
