class ArchiveError(Exception):
    """A ledger, report or archive action that cannot be done; shown to the person."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
