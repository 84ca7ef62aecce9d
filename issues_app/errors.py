from collab.core.errors import DomainError


class IssueError(DomainError):
    """A problem or meeting action that cannot be done; the message is shown to the person."""
