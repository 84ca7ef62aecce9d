"""Plain, JSON-friendly values for snapshots that are hashed and rendered by a worker."""

from django.utils import timezone


def when(value) -> str:
    """A date as YYYY-MM-DD, a moment as local YYYY-MM-DD HH:MM, nothing as ""."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
