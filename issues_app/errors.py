class IssueError(Exception):
    """A problem or meeting action that cannot be done; the message is shown to the person."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
