"""Confirming a year's holidays moves the working-day deadlines that counted across a
changed day; this module recomputes them and tells the people who hold them.

A deadline armed with `schedule_deadline(..., working_hours=...)` keeps what it was
counted from (`basis_start`, `working_hours`). For each open deadline whose span meets a
changed day, the new due time is computed on the confirmed calendar; when it differs,
the kind's handler stores it on the owning record and notes it on the timeline
(`ReminderHandler.deadline_moved`), the reminders still to come move with it, and every
holder gets one message listing the deadlines of theirs that moved.

Until a year is confirmed, administrators are reminded on the first working morning of
each week: from 1 November for next year, at any time for the current year."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from collab.workdays import calendar
from collab.workdays.services import on_calendar_change
from collab.workdays.work import CONFIRM_PERMISSION, provisional_years

from .hooks import MORNING, register_morning
from .models import Reminder
from .reminders import (
    DUE,
    HANDLERS,
    ReminderHandler,
    ReminderItem,
    _quiet,
    register_handler,
    schedule_reminder,
)
from .services import notify

CONFIRM_YEAR = "workdays.confirm_year"

logger = logging.getLogger(__name__)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = calendar._zone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def reschedule_for_calendar(*, year: int, changes, now: datetime.datetime) -> int:
    """Listener of `collab.workdays.services.confirm_year`: returns how many open
    deadlines moved."""
    dates = sorted(change.date for change in changes)
    if not dates:
        return 0
    first, _ = _day_bounds(dates[0])
    _, last = _day_bounds(dates[-1])
    # Only days between a deadline's start and its due time can move it.
    rows = list(
        Reminder.objects.select_for_update(of=("self",))
        .filter(
            sent_at__isnull=True,
            cancelled_at__isnull=True,
            working_hours__isnull=False,
            basis_start__isnull=False,
            due_at__gte=first,
            basis_start__lt=last,
        )
        .select_related("recipient")
        .order_by("kind", "target_id", "pk")
    )
    deadlines: dict[tuple, list[Reminder]] = defaultdict(list)
    for row in rows:
        deadlines[(row.kind, row.target_id, row.due_at, row.basis_start, row.working_hours)].append(
            row
        )
    moved_for: dict[int, list[tuple[Reminder, datetime.datetime, datetime.datetime]]] = defaultdict(
        list
    )
    holders = {}
    moved = 0
    for (kind, target_id, old_due, basis_start, hours), group in deadlines.items():
        new_due = calendar.add_working_hours(basis_start, hours)
        if new_due == old_due:
            continue
        handler = HANDLERS.get(kind)
        if handler is None or not handler.deadline_moved(
            target_id=target_id, old_due=old_due, new_due=new_due
        ):
            continue
        moved += 1
        shift = new_due - old_due
        for row in group:
            row.due_at = new_due
            row.fire_at = _quiet(row.fire_at + shift, urgent=row.urgent)
            row.claimed_at = None
            if row.stage == DUE and row.recipient is not None:
                holders[row.recipient_id] = row.recipient
                moved_for[row.recipient_id].append((row, old_due, new_due))
        Reminder.objects.bulk_update(group, ["due_at", "fire_at", "claimed_at"])
    if moved_for:
        transaction.on_commit(
            lambda: _tell_holders(year=year, holders=holders, moved_for=dict(moved_for))
        )
    logger.info("Calendar %s confirmed: %s open deadlines moved", year, moved)
    return moved


def _tell_holders(*, year, holders, moved_for) -> None:
    for person_id, entries in moved_for.items():
        person = holders[person_id]
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            items = []
            for row, old_due, new_due in entries:
                handler = HANDLERS[row.kind]
                item = handler.describe(row)
                if item is None:
                    continue
                items.append(
                    {"title": item.title, "url": item.url, "old_due": old_due, "new_due": new_due}
                )
        if not items:
            continue
        notify(
            recipients=[person],
            event="workdays.deadlines_moved",
            template="notify/deadlines_moved",
            context={"year": year, "items": items},
            url=items[0]["url"] if len(items) == 1 else "",
        )


def _administrators():
    app_label, codename = CONFIRM_PERMISSION.split(".")
    granted = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | granted)
        .distinct()
    )


def remind_administrators(now: datetime.datetime) -> int:
    """Working-morning hook: once a week per administrator and provisional year."""
    today = timezone.localtime(now).date()
    iso_year, week, _ = today.isocalendar()
    count = 0
    for year in provisional_years(today):
        for person in _administrators():
            schedule_reminder(
                kind=CONFIRM_YEAR,
                target=year,
                stage=f"week-{iso_year}-{week:02d}",
                recipient=person,
                fire_at=now,
            )
            count += 1
    return count


class ConfirmYearHandler(ReminderHandler):
    def describe(self, reminder):
        year = reminder.target_id
        if calendar.is_confirmed_year(year):
            return None
        return ReminderItem(
            title=gettext("Confirm the %(year)s working-day calendar") % {"year": year},
            text=gettext(
                "Deadlines in %(year)s use the provisional calendar (weekends and the estimated "
                "statutory holidays) and are marked as provisional. Enter the State Council "
                "notice and confirm it."
            )
            % {"year": year},
            url=reverse("admin:workdays_calendaryear_confirm") + f"?year={year}",
        )


def register() -> None:
    on_calendar_change(reschedule_for_calendar)
    register_handler(CONFIRM_YEAR, ConfirmYearHandler())
    if remind_administrators not in MORNING:
        register_morning(remind_administrators)
