from collab.core.errors import DomainError


class TaskError(DomainError):
    """A task action that cannot be done; the message is shown to the person."""
