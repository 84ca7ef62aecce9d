"""Reasons for delays (DOMAIN §8): a deadline missed by more than 24 h asks each holder
why, once; the person answers on a small page only they can open, and the progress
ledger shows the reasons under the request."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from archive_app import selectors as ledger
from collab.core.inbox import inbox_for
from collab.notify import lateness, reminders
from collab.notify.models import LateReason, Notification, Reminder
from collab.notify.reminders import (
    ReminderHandler,
    ReminderItem,
    cancel_reminders,
    schedule_deadline,
    sweep,
)
from requests_app import reminders as request_reminders
from requests_app.models import RequestDepartment
from tasks_app import reminders as task_reminders

from ..requests_app.factories import make_request
from ..tasks_app.factories import confirmed_request, make_task

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
KIND = "tests.late"


def at(y, m, d, hh=0, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=SH)


# Monday 2026-03-02 10:00, due Tuesday 10:00: the explain stage is Wednesday 10:00.
START, DUE, EXPLAIN_AT = at(2026, 3, 2, 10), at(2026, 3, 3, 10), at(2026, 3, 4, 10)


class LateHandler(ReminderHandler):
    def describe(self, reminder):
        return ReminderItem(title=f"Thing {reminder.target_id}", text="", url="/")

    def ref(self, reminder):
        return f"thing:{reminder.target_id}"

    def late_title(self, reason):
        return f"Thing {reason.target_id}"


@pytest.fixture
def handler():
    instance = reminders.register_handler(KIND, LateHandler())
    yield instance
    reminders.HANDLERS.pop(KIND, None)


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks):
    def _run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now)

    return _run


def _arm(demo, target=1):
    schedule_deadline(
        kind=KIND,
        target=target,
        due_at=DUE,
        recipients=[demo["te_staff"]],
        escalate_to=[demo["te_head"]],
        start=START,
    )


def test_schedule_deadline_arms_explain_stage_24h_after_due_for_holders(demo, handler):
    _arm(demo)
    explain = Reminder.objects.get(kind=KIND, stage=reminders.EXPLAIN)
    assert explain.recipient == demo["te_staff"]
    assert explain.fire_at == EXPLAIN_AT
    # Only the holders explain; the head told at escalation does not.
    assert Reminder.objects.filter(kind=KIND, stage=reminders.EXPLAIN).count() == 1


def test_explain_not_fired_within_24h_of_the_deadline(demo, handler, run_sweep):
    _arm(demo)
    run_sweep(DUE + datetime.timedelta(hours=23))
    assert not LateReason.objects.exists()


def test_explain_fires_once_after_24h_even_when_swept_twice(demo, handler, run_sweep):
    _arm(demo)
    run_sweep(DUE)
    run_sweep(EXPLAIN_AT)
    run_sweep(EXPLAIN_AT + datetime.timedelta(minutes=5))

    reason = LateReason.objects.get()
    assert (reason.kind, reason.target_id, reason.ref) == (KIND, 1, "thing:1")
    assert reason.person == demo["te_staff"] and reason.due_at == DUE
    assert reason.given_at is None
    url = reverse("notify:late_reason", args=[reason.pk])
    assert Notification.objects.filter(recipient=demo["te_staff"], url=url).count() == 1


def test_step_done_in_time_cancels_the_explain_stage(demo, handler, run_sweep):
    _arm(demo)
    cancel_reminders(kind=KIND, target=1, now=DUE + datetime.timedelta(hours=2))
    run_sweep(EXPLAIN_AT + datetime.timedelta(hours=1))
    assert not LateReason.objects.exists()


def test_step_done_more_than_24h_late_is_still_explained(demo, handler, run_sweep):
    _arm(demo)
    # Done on Wednesday 10:30, before a sweep sent the explain reminder.
    cancel_reminders(kind=KIND, target=1, now=EXPLAIN_AT + datetime.timedelta(minutes=30))
    run_sweep(EXPLAIN_AT + datetime.timedelta(hours=1))
    assert LateReason.objects.filter(person=demo["te_staff"]).count() == 1


def test_my_work_shows_owed_reason_until_given(demo, handler, run_sweep):
    _arm(demo)
    run_sweep(EXPLAIN_AT)
    reason = LateReason.objects.get()
    items = [i for i in inbox_for(demo["te_staff"]) if i.title == "Thing 1"]
    assert len(items) == 1
    assert items[0].url == reverse("notify:late_reason", args=[reason.pk])

    lateness.give_reason(reason=reason, by=demo["te_staff"], text="Waiting for data.")
    assert not [i for i in inbox_for(demo["te_staff"]) if i.title == "Thing 1"]


def test_reason_form_saves_and_second_submit_is_explained(demo, handler, run_sweep, client):
    _arm(demo)
    run_sweep(EXPLAIN_AT)
    reason = LateReason.objects.get()
    url = reverse("notify:late_reason", args=[reason.pk])
    client.force_login(demo["te_staff"])

    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200
    reason.refresh_from_db()
    assert reason.given_at is None

    response = client.post(url, {"reason": "The data arrived late."})
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.reason == "The data arrived late." and reason.given_at is not None

    again = client.post(url, {"reason": "Something else."}, follow=True)
    assert again.status_code == 200
    reason.refresh_from_db()
    assert reason.reason == "The data arrived late."
    assert list(again.context["messages"])


def test_other_person_cannot_answer_someone_elses_reason(demo, handler, run_sweep, client):
    _arm(demo)
    run_sweep(EXPLAIN_AT)
    reason = LateReason.objects.get()
    url = reverse("notify:late_reason", args=[reason.pk])
    client.force_login(demo["te_head"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Not mine."}).status_code == 404
    reason.refresh_from_db()
    assert reason.given_at is None
    with pytest.raises(lateness.LatenessError):
        lateness.give_reason(reason=reason, by=demo["te_head"], text="Not mine.")


def test_admin_lists_reasons_read_only(demo, handler, run_sweep, client):
    _arm(demo)
    run_sweep(EXPLAIN_AT)
    reason = LateReason.objects.get()
    client.force_login(demo["admin"])
    listing = client.get(reverse("admin:notify_latereason_changelist"))
    assert listing.status_code == 200 and b"thing:1" in listing.content
    change = reverse("admin:notify_latereason_change", args=[reason.pk])
    client.post(change, {"reason": "edited"})
    reason.refresh_from_db()
    assert reason.reason == ""


# --- the apps' deadlines --------------------------------------------------------------


def test_task_missed_by_more_than_24h_asks_owner_and_shows_under_request_in_ledger(
    demo, run_sweep, client
):
    task = make_task(demo, confirmed_request(demo))
    explain = Reminder.objects.get(
        kind=task_reminders.DUE, target_id=task.pk, stage=reminders.EXPLAIN
    )
    assert explain.recipient == demo["te_staff"]
    assert explain.fire_at >= explain.due_at + datetime.timedelta(hours=24)

    run_sweep(explain.due_at + datetime.timedelta(hours=23))
    assert not LateReason.objects.exists()
    run_sweep(explain.fire_at)
    run_sweep(explain.fire_at + datetime.timedelta(minutes=5))

    # The owner is asked, once; the head, told at escalation, is not.
    reason = LateReason.objects.get()
    assert reason.person == demo["te_staff"] and reason.kind == task_reminders.DUE
    assert reason.ref == f"request:{task.request_id}"
    assert lateness.title_of(reason) == f"{task.number} {task.name}"
    url = reverse("notify:late_reason", args=[reason.pk])
    assert Notification.objects.filter(recipient=demo["te_staff"], url=url).count() == 1

    lateness.give_reason(reason=reason, by=demo["te_staff"], text="The designs came late.")
    rows = ledger.progress_rows(ledger.progress_ledger(demo["secretary"], filters={}))
    [row] = [r for r in rows if r["id"] == task.request_id]
    assert [(r["person"], r["reason"]) for r in row["late_reasons"]] == [
        (demo["te_staff"].name, "The designs came late.")
    ]
    client.force_login(demo["secretary"])
    page = client.get(reverse("archive:ledgers"))
    assert "The designs came late." in page.content.decode()


def test_no_reason_asked_of_someone_who_may_no_longer_see_a_confidential_request(demo, run_sweep):
    request = make_request(
        demo,
        stage="awaiting_confirmation",
        to=("TE",),
        confidentiality="confidential",
        contacts={"TE": "te_staff"},
    )
    rd = RequestDepartment.objects.get(request=request)
    explain = Reminder.objects.get(
        kind=request_reminders.RESPONSE,
        target_id=rd.pk,
        stage=reminders.EXPLAIN,
        recipient=demo["te_staff"],
    )
    # The contact is replaced on the record: te_staff is no longer named on it.
    RequestDepartment.objects.filter(pk=rd.pk).update(contact=demo["te_head"])

    run_sweep(explain.fire_at)

    assert not LateReason.objects.exists()
    explain.refresh_from_db()
    assert explain.sent_at is None and explain.cancelled_at is not None
