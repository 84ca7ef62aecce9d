from django.utils.translation import gettext


class DomainError(Exception):
    """An action that cannot be done, raised by a service; the message is shown to the
    person. `field` names the form or API field it belongs to; an error without one means
    the object moved on (a stale click) or the person may not do this."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    @classmethod
    def denied(cls):
        """The refusal of someone who has no part in the step."""
        return cls(gettext("You are not allowed to do this."))
