"""Optimistic concurrency for writes: every readable object carries an ETag, and a
write must send it back in If-Match (428 without it, 412 when it is stale), so that a
client never overwrites someone else's change unknowingly."""

import hashlib

from .errors import PreconditionFailed, PreconditionRequired


def make_etag(kind: str, pk: int, *parts) -> str:
    raw = "|".join([kind, str(pk), *(str(p) for p in parts)])
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def check_if_match(http_request, current: str) -> None:
    header = http_request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = _tags(header)
    # If-Match uses the strong comparison: a weak tag never matches (RFC 9110 §13.1.1).
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(current_etag=current)


def not_modified(http_request, current: str) -> bool:
    header = http_request.headers.get("If-None-Match", "").strip()
    if not header:
        return False
    tags = [tag.removeprefix("W/") for tag in _tags(header)]
    return "*" in tags or current in tags
