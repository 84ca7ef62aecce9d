"""Uploaded files, one set of rules for every app: allowed types and size (settings
ATTACHMENT_ALLOWED_EXTENSIONS / ATTACHMENT_MAX_BYTES), a multi-file form field, and the
download response. Stored names are random (each model's `upload_to`); the original
name only comes back in the download's Content-Disposition."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy


def _limit_mb() -> int:
    return settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)


def upload_error(upload) -> str | None:
    """Why this upload is refused, in the active language; None when it is fine."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    allowed = [e.lower() for e in settings.ATTACHMENT_ALLOWED_EXTENSIONS]
    if extension not in allowed:
        return gettext(
            "“%(name)s”: files of this type are not accepted (allowed: %(allowed)s)."
        ) % {
            "name": upload.name,
            "allowed": ", ".join(allowed),
        }
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return gettext("“%(name)s” is larger than %(limit)s MB.") % {
            "name": upload.name,
            "limit": _limit_mb(),
        }
    return None


def upload_help() -> str:
    return gettext("Up to %(mb)s MB each; allowed types: %(types)s.") % {
        "mb": _limit_mb(),
        "types": ", ".join(settings.ATTACHMENT_ALLOWED_EXTENSIONS),
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked against the upload rules, and every
    refused file is named in the field's errors."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Attachments"))
        # Lazy, so the limits are described in the reader's language, not the one
        # active when the form class was imported.
        kwargs.setdefault("help_text", lazy(upload_help, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        errors = [message for message in map(upload_error, files) if message]
        if errors:
            raise ValidationError(errors)
        return files


def serve(stored) -> FileResponse:
    """The download of a stored file under its original name; 404 when it is gone."""
    if not stored.file:
        raise Http404
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type or "application/octet-stream",
    )
