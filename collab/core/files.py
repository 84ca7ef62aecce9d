"""Uploaded files, one model and one set of rules for every app: allowed types and size
(settings ATTACHMENT_ALLOWED_EXTENSIONS / ATTACHMENT_MAX_BYTES), the stored-file model
every attachment extends, a multi-file form field, and the download response. Stored
names are random; the original name only comes back in the download's
Content-Disposition."""

import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
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


def check_uploads(files, *, field: str, error: type[Exception]) -> None:
    """Refuse the first file the rules refuse, as the app's `error` on `field`."""
    for upload in files:
        message = upload_error(upload)
        if message:
            raise error(message, field=field)


def stored_path(instance, filename: str) -> str:
    """A random stored name under the model's folder: nothing of the original name
    reaches the file system."""
    return f"{instance.STORAGE_FOLDER}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """A file someone uploaded, with what the download needs to give it back. A link
    deliverable has no file, hence the blank file and name."""

    STORAGE_FOLDER = "files"

    file = models.FileField(gettext_lazy("file"), upload_to=stored_path, max_length=200, blank=True)
    original_name = models.CharField(gettext_lazy("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(gettext_lazy("size"), default=0)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return PurePath(self.original_name).suffix.lower().lstrip(".")

    @classmethod
    def store(cls, upload, **fields):
        """Save `upload` (already checked) as a new row of this model."""
        stored = cls(
            original_name=PurePath(upload.name).name[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            **fields,
        )
        stored.file.save(upload.name, upload, save=False)
        stored.save()
        return stored


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
