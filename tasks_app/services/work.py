"""Doing the work: the owner starts or resumes a task, and the people on it post
their progress."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from collab.core.files import check_uploads

from .. import permissions
from ..errors import TaskError
from ..models import ProgressEntry, ProgressFile, Task, events
from .common import (
    deny,
    fire,
    locked_task,
    log_event,
    save_task,
    stale_error,
)


def start_task(*, task, by) -> Task:
    if not permissions.is_owner(by, task):
        raise deny()
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_start(by, task):
            raise stale_error(task)
        now = timezone.now()
        task.actual_start = now
        fire(task, "start")
        log_event(request=task.request, task=task, verb=events.STARTED, by=by, at=now)
    return task


def resume_task(*, task, by, comment="") -> Task:
    """Back to work after a rejection (rework → in progress)."""
    if not permissions.is_owner(by, task):
        raise deny()
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_resume(by, task):
            raise stale_error(task)
        fire(task, "resume")
        log_event(request=task.request, task=task, verb=events.RESUMED, by=by, comment=comment)
    return task


def post_progress(*, task, by, text, percent=None, files=()) -> ProgressEntry:
    """Today's entry for this person; a second post the same day is added to it, so the
    log keeps one entry per person per day."""
    if not permissions.may_post_progress(by, task):
        raise deny()
    if not (text or "").strip():
        raise TaskError(gettext("Say what was done."), field="text")
    if percent is not None and not 0 <= percent <= 100:
        raise TaskError(gettext("Enter a percentage from 0 to 100."), field="percent")
    check_uploads(files, field="files", error=TaskError)
    with transaction.atomic():
        task = locked_task(task)
        if not permissions.can_post_progress(by, task):
            raise stale_error(task)
        now = timezone.now()
        today = timezone.localdate(now)
        entry = ProgressEntry.objects.filter(task=task, author=by, date=today).first()
        if entry is None:
            entry = ProgressEntry.objects.create(
                task=task, author=by, date=today, text=text.strip(), percent=percent, created_at=now
            )
        else:
            entry.text = f"{entry.text}\n\n[{timezone.localtime(now):%H:%M}] {text.strip()}"
            if percent is not None:
                entry.percent = percent
            entry.save()
        for upload in files:
            ProgressFile.store(upload, entry=entry, uploaded_by=by, uploaded_at=now)
        if percent is not None:
            task.progress_percent = percent
        task.last_progress_at = now
        save_task(task)
        log_event(
            request=task.request,
            task=task,
            verb=events.PROGRESS,
            by=by,
            at=now,
            data={"entry": entry.pk, "percent": percent, "files": len(files)},
        )
    return entry
