from collab.core.errors import DomainError


class ArchiveError(DomainError):
    """A ledger, report or archive action that cannot be done; shown to the person."""
