from collab.core.errors import DomainError


class RequestError(DomainError):
    """A request action that cannot be done; the message is shown to the person."""
