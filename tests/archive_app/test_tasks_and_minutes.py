"""Tasks and meetings in the ledgers and the archive: progress columns, the dossier's
follow-up table, acceptance and ratings, minutes PDF, the ZIP, deletion after retention
and the cache sweep."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive_app import selectors, services
from archive_app.models import ArchiveDeletion, ArchiveRecord, Document
from collab.notify.models import Reminder
from collab.org.models import Department
from issues_app import services as issue_services
from issues_app.models import AgendaItem, Meeting, MeetingKind, Problem
from requests_app.models import Request, State
from tasks_app import services as task_services
from tasks_app.models import Task
from tests.archive_app.conftest import pdf_text
from tests.archive_app.factories import (
    accepted,
    graded,
    late_task,
    problem,
    published_meeting,
    task,
    upload,
)
from tests.requests_app.factories import make_request

FIELDS = {"work_done": "上线", "results": "OK", "open_problems": "", "suggestions": ""}


def _flat(content: bytes) -> str:
    text, _reader = pdf_text(content)
    return " ".join(text.split())


def _row(user, number):
    rows = selectors.progress_rows(
        selectors.with_ledger_relations(selectors.progress_ledger(user, filters={}))
    )
    return next(r for r in rows if r["number"] == number)


def _finished(demo, callbacks):
    """MT asked TE and PD; every task accepted, both rated: completed, reported, archived."""
    request = make_request(demo, stage="in_progress", title="春季活动落地页")
    te = accepted(demo, request, code="TE", name="前端开发")
    accepted(demo, request, code="PD", name="Design")
    p = graded(demo, request, grade="general", task=te)
    issue_services.add_attachments(
        problem=p, by=demo["te_staff"], files=[upload("log.txt", b"log", "text/plain")]
    )
    for code in ("PD", "TE"):
        task_services.rate_department(
            request=request,
            department=Department.objects.get(code=code),
            by=demo["mt_staff"],
            speed=5,
            professionalism=4,
            cooperation=3,
            remarks="配合良好",
        )
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    services.save_report(request=request, by=demo["pd_head"], fields=FIELDS, submit=True)
    with callbacks(execute=True):
        services.decide_report(request=request, by=demo["mt_head"], approve=True)
    return request, te, p


def test_progress_columns_count_tasks_and_flag_late_ones(demo, running):
    accepted(demo, running, code="TE")
    late_task(demo, running, code="PD")
    cancelled = task(demo, running, code="PD", name="Dropped")
    task_services.cancel_task(task=cancelled, by=demo["pd_head"], reason="Not needed")
    row = _row(demo["secretary"], running.number)
    assert (row["tasks_done"], row["tasks_total"], row["progress"], row["tasks_late"]) == (
        1,
        2,
        50,
        1,
    )
    assert row["overdue"] and "task late" in row["overdue_reasons"]


def test_progress_page_with_tasks_keeps_its_query_count(demo, login):
    client = login(demo["secretary"])

    def add():
        request = make_request(demo, stage="in_progress")
        task(demo, request)
        problem(demo, request)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("archive:ledgers"))
        assert response.status_code == 200 and b'data-testid="task-progress"' in response.content
        return len(captured.captured_queries)

    add()
    one = count()
    for _ in range(29):
        add()
    assert count() == one


def test_dossier_has_follow_up_acceptance_ratings_problems_and_minutes(
    demo, django_capture_on_commit_callbacks
):
    request = make_request(demo, stage="in_progress", title="春季活动落地页")
    te = task(demo, request, code="TE", name="前端开发", collaborators=("pd_staff",))
    task_services.start_task(task=te, by=te.owner)
    task_services.post_progress(task=te, by=te.owner, text="首页完成 60%", percent=60)
    task_services.deliver_task(task=te, by=te.owner, files=[upload("page-v1.pdf")])
    te.refresh_from_db()
    task_services.reject_task(
        task=te,
        by=demo["mt_staff"],
        changes="移动端错位",
        new_deadline=timezone.localdate() + timedelta(days=2),
    )
    p = graded(demo, request, grade="important", task=te)
    other = make_request(demo, requester="sa_staff", to=("FI",), stage="in_progress")
    foreign = problem(demo, other, by="sa_staff", concerned=("FI",), title="别家的问题")
    published_meeting(
        demo,
        request=request,
        problems=[p],
        decisions={0: "PD 周三前交付设计稿"},
        actions=[("交付设计稿", "pd_staff", {"problem": p})],
        sign=True,
    )
    published_meeting(
        demo,
        kind=MeetingKind.COORDINATION,
        problems=[foreign, p],
        decisions={0: "别家的决定", 1: "本需求的决定"},
    )
    snapshot = services.build_snapshot(request)
    (row,) = snapshot["tasks"]
    assert row["number"] == te.number and row["collaborators"] == [demo["pd_staff"].name]
    assert row["progress_log"][0]["text"] == "首页完成 60%"
    assert row["deliverables"] == ["page-v1.pdf"]
    assert row["acceptance"][0]["result"] == "Changes required"
    assert "移动端错位" in row["acceptance"][0]["comment"]
    assert row["problems"] == [f"{p.number} {p.title} (In progress)"]
    assert [m["title"] for m in snapshot["minutes"]] == ["项目中期推进会", "Weekly collaboration"]
    weekly = snapshot["minutes"][1]
    assert [a["decision"] for a in weekly["agenda"]] == ["本需求的决定"]  # not the other request's
    milestone = snapshot["minutes"][0]
    assert milestone["signed_off_by"] == demo["leader1"].name
    assert milestone["actions"][0]["linked"] == f"{p.number} {p.title}"

    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_dossier(by=demo["mt_staff"], request=request, language="en")
    document.refresh_from_db()
    text = _flat(document.file.read())
    for expected in (te.number, "首页完成 60%", "移动端错位", p.number, "PD 周三前交付设计稿"):
        assert expected in text
    assert "别家的决定" not in text and "别家的问题" not in text


def test_archived_dossier_zip_and_record_hold_tasks_ratings_and_problem_files(
    demo, login, django_capture_on_commit_callbacks
):
    request, te, p = _finished(demo, django_capture_on_commit_callbacks)
    record = ArchiveRecord.objects.get(request=request)
    text = _flat(record.dossier.file.read())
    assert te.number in text and "配合良好" in text and p.number in text
    assert "前端开发" in record.search_text
    client = login(demo["secretary"])
    page = client.get(reverse("archive:record", args=[record.pk]))
    assert b"page.pdf" in page.content
    response = client.get(reverse("archive:record_zip", args=[record.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert f"deliverables/{te.number}/page.pdf" in names
    assert f"problems/{p.number}/log.txt" in names
    assert record.dossier.filename in names


def test_minutes_pdf_for_those_who_may_see_the_meeting(
    demo, running, login, django_capture_on_commit_callbacks
):
    p = graded(demo, running, grade="important")
    secret = make_request(demo, stage="in_progress", confidentiality="confidential", to=("TE",))
    hidden = problem(demo, secret, by="mt_staff", concerned=("TE",), title="保密问题")
    meeting = published_meeting(
        demo,
        request=running,
        problems=[p, hidden],
        decisions={0: "PD 周三前交付设计稿", 1: "保密的决定"},
        actions=[("交付设计稿", "pd_staff", {"problem": p})],
        sign=True,
    )
    url = reverse("archive:minutes_pdf", args=[meeting.pk])
    client = login(demo["pd_liaison"])  # an attendee who may not see the confidential request
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    document = Document.objects.get(kind="minutes_pdf")
    assert response.url == reverse("archive:document", args=[document.key])
    assert client.get(reverse("archive:download", args=[document.key])).status_code == 200
    text = _flat(document.file.read())
    for expected in (
        "项目中期推进会",
        "Project milestone meeting",
        "3楼会议室",
        demo["secretary"].name,
        "PD 周三前交付设计稿",
        "交付设计稿",
        demo["pd_staff"].name,
        p.number,
        demo["leader1"].name,  # the group leader's sign-off
        "(a problem you may not see)",
    ):
        assert expected in text, expected
    assert "保密问题" not in text
    assert login(demo["fi_staff"]).post(url).status_code == 404  # not invited
    scheduled = issue_services.schedule_meeting(
        by=demo["secretary"],
        title="Later",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        place="Room 1",
        chair=demo["secretary"],
        attendees=[],
    )
    secretary = login(demo["secretary"])
    assert secretary.post(reverse("archive:minutes_pdf", args=[scheduled.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        chinese = services.request_minutes(
            by=demo["secretary"], meeting_id=meeting.pk, language="zh-hans"
        )
    chinese.refresh_from_db()
    text = _flat(chinese.file.read())
    assert "项目推进会 · 中期" in text and "会议纪要" in text
    assert "保密问题" not in text  # the topic stays hidden, as on the meeting page


def test_deletion_after_retention_removes_tasks_problems_and_meetings(
    demo, django_capture_on_commit_callbacks
):
    request, te, p = _finished(demo, django_capture_on_commit_callbacks)
    own = published_meeting(demo, request=request, problems=[p])
    weekly = published_meeting(
        demo, kind=MeetingKind.COORDINATION, problems=[p], decisions={0: "keep the decision"}
    )
    deliverable_file = te.deliverables.get().file
    storage, stored = deliverable_file.storage, deliverable_file.name
    assert storage.exists(stored)
    record = ArchiveRecord.objects.get(request=request)
    ArchiveRecord.objects.filter(pk=record.pk).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    record.refresh_from_db()
    dossier_pk, problem_number = record.dossier_id, p.number
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.delete_archived(record=record, by=demo["admin"], reason="Retention over")
    assert ArchiveDeletion.objects.get() == entry and entry.number == request.number
    assert not Request.objects.filter(pk=request.pk).exists()
    assert not Task.objects.filter(request_id=request.pk).exists()
    assert not Problem.objects.filter(request_id=request.pk).exists()
    assert not Meeting.objects.filter(pk=own.pk).exists()
    assert not Document.objects.filter(pk=dossier_pk).exists()
    item = AgendaItem.objects.get(meeting=weekly)  # the other meeting keeps its minutes
    assert item.problem_id is None and item.title.startswith(problem_number)
    assert item.decision == "keep the decision"
    assert not storage.exists(stored)
    assert not Reminder.objects.filter(
        target_id=p.pk,
        kind__startswith="issues.problem",
        sent_at__isnull=True,
        cancelled_at__isnull=True,
    ).exists()


def test_deletion_rolls_back_as_a_whole(demo, django_capture_on_commit_callbacks, monkeypatch):
    request, te, p = _finished(demo, django_capture_on_commit_callbacks)
    record = ArchiveRecord.objects.get(request=request)
    ArchiveRecord.objects.filter(pk=record.pk).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    record.refresh_from_db()

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Request, "delete", broken)
    with pytest.raises(RuntimeError):
        services.delete_archived(record=record, by=demo["admin"], reason="Retention over")
    assert ArchiveDeletion.objects.count() == 0
    assert Task.objects.filter(request=request).count() == 2
    assert Problem.objects.filter(request=request).exists()
    assert ArchiveRecord.objects.filter(pk=record.pk).exists()


def test_cache_sweep_deletes_old_files_once_and_keeps_archived_dossiers(
    demo, settings, django_capture_on_commit_callbacks
):
    request, _te, _p = _finished(demo, django_capture_on_commit_callbacks)
    record = ArchiveRecord.objects.get(request=request)
    with django_capture_on_commit_callbacks(execute=True):
        ledger = services.request_ledger(
            by=demo["secretary"], ledger="progress", fmt="pdf", filters={}, language="en"
        )
        fresh = services.request_ledger(
            by=demo["secretary"], ledger="problem", fmt="xlsx", filters={}, language="en"
        )
    ledger.refresh_from_db()
    stored = ledger.file.name
    old = timezone.now() - timedelta(days=settings.PDF_CACHE_DAYS + 1)
    Document.objects.exclude(pk=fresh.pk).update(created_at=old, finished_at=old)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clean_document_cache() == 1
    assert not Document.objects.filter(pk=ledger.pk).exists()
    assert not ledger.file.storage.exists(stored)
    assert Document.objects.filter(pk=record.dossier_id).exists()  # archived: kept
    assert Document.objects.filter(pk=fresh.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clean_document_cache() == 0  # idempotent


def test_cache_sweep_is_scheduled():
    from archive_app.tasks import clean_document_cache
    from collab.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["archive-clean-document-cache"]
    assert entry["task"] == clean_document_cache.name


def test_meeting_page_offers_minutes_pdf_only_once_published(demo, running, login):
    p = graded(demo, running, grade="important")
    meeting = published_meeting(demo, request=running, problems=[p], decisions={0: "决定"})
    page = login(demo["secretary"]).get(reverse("issues:meeting", args=[meeting.pk]))
    body = page.content.decode()
    assert 'data-testid="minutes-pdf"' in body
    assert reverse("archive:minutes_pdf", args=[meeting.pk]) in body
    scheduled = issue_services.schedule_meeting(
        by=demo["secretary"],
        title="Later",
        kind=MeetingKind.COORDINATION,
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=30,
        place="Room 1",
        chair=demo["secretary"],
        attendees=[],
    )
    later = login(demo["secretary"]).get(reverse("issues:meeting", args=[scheduled.pk]))
    assert 'data-testid="minutes-pdf"' not in later.content.decode()
