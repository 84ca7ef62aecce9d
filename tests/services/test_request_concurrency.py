"""Numbering and approvals under real concurrency, on PostgreSQL."""

import threading
from collections import Counter

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from collab.org.demo import seed_organisation
from requests_app import services
from requests_app.errors import RequestError
from requests_app.models import Request, RequestEvent, State
from requests_app.models import events as ev
from tests.requests_app.factories import make_request


def run_together(n, work):
    """Start n threads at the same instant; collect each result or exception."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def runner(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", work(i))
        except Exception as error:  # the test inspects every outcome
            results[i] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return results


@pytest.mark.django_db(transaction=True)
def test_request_numbers_concurrent_submissions_are_distinct_and_consecutive():
    users = seed_organisation()
    drafts = [make_request(users, title=f"Parallel {i}") for i in range(50)]

    def submit(i):
        request = Request.objects.get(pk=drafts[i].pk)
        return services.submit_request(request=request, by=users["mt_staff"]).number

    results = run_together(50, submit)
    errors = [r for kind, r in results if kind == "error"]
    assert not errors, errors[:3]
    numbers = sorted(r for _kind, r in results)
    period = timezone.localtime(timezone.now()).strftime("%Y%m")
    assert numbers == [f"MT{period}{i:03d}" for i in range(1, 51)]
    assert Request.objects.filter(state=State.HEAD_REVIEW).count() == 50


@pytest.mark.django_db(transaction=True)
def test_request_approval_concurrent_clicks_give_one_transition():
    users = seed_organisation()
    request = make_request(users, stage="head_review")

    def approve(_i):
        mine = Request.objects.get(pk=request.pk)  # each click loaded the page itself
        services.approve_request(request=mine, by=users["mt_head"], comment="ok")
        return mine.state

    results = run_together(10, approve)
    kinds = Counter(kind for kind, _ in results)
    assert kinds == {"ok": 1, "error": 9}, results
    for kind, value in results:
        if kind == "error":
            assert isinstance(value, RequestError), value
            assert "Already approved by" in str(value)
    request.refresh_from_db()
    assert request.state == State.LEADER_REVIEW
    assert RequestEvent.objects.filter(request=request, verb=ev.HEAD_APPROVED).count() == 1
    assert request.history.filter(state=State.LEADER_REVIEW).count() == 1


@pytest.mark.django_db(transaction=True)
def test_department_answers_concurrent_last_confirmations_start_once():
    users = seed_organisation()
    request = make_request(users, stage="awaiting_confirmation", to=("TE", "PD"))
    rds = list(request.departments.select_related("department__liaison"))

    def confirm(i):
        rd = rds[i]
        return services.answer_department(
            request_department=rd, by=rd.department.liaison, answer="confirmed"
        ).state

    results = run_together(2, confirm)
    assert all(kind == "ok" for kind, _ in results), results
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    assert RequestEvent.objects.filter(request=request, verb=ev.STARTED).count() == 1
