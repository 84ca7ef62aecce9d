"""Every app hands notifications over the same way: after commit, each person once,
never the person acting, and only to people who may see the object — a confidential
request's task or problem included."""

import pytest

from collab.notify.handoff import notify_on_commit, recipient_ids
from collab.notify.models import Notification
from issues_app.selectors import visible_problems
from requests_app.notifications import queue_notification as request_news
from tasks_app.notifications import queue_notification as task_news

from ..issues_app.factories import report
from ..tasks_app.factories import confirmed_request, make_task

pytestmark = pytest.mark.django_db


def told(user) -> int:
    return Notification.objects.filter(recipient=user).count()


def test_recipient_ids_are_distinct_and_skip_the_person_acting(demo):
    a, b = demo["te_staff"], demo["pd_staff"]
    assert recipient_ids([a, b.pk, None, a, b], exclude=b) == [a.pk]


def test_nothing_leaves_before_the_commit(demo, django_capture_on_commit_callbacks):
    request = confirmed_request(demo)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_news(
            request=request,
            recipients=[demo["te_head"]],
            event="requests.test",
            template="requests_app/notify/submitted",
        )
    assert len(callbacks) == 1
    assert told(demo["te_head"]) == 0


def test_task_news_skips_people_who_may_not_see_a_confidential_task(
    demo, django_capture_on_commit_callbacks
):
    request = confirmed_request(demo, confidential=True)
    task = make_task(demo, request, owner="te_staff")
    before = {name: told(demo[name]) for name in ("te_staff", "fi_staff", "secretary")}
    with django_capture_on_commit_callbacks(execute=True):
        task_news(
            request=request,
            task=task,
            recipients=[demo["te_staff"], demo["fi_staff"], demo["secretary"]],
            event="tasks.test",
            template="tasks_app/notify/assigned",
        )
    assert told(demo["te_staff"]) == before["te_staff"] + 1
    assert told(demo["fi_staff"]) == before["fi_staff"]
    assert told(demo["secretary"]) == before["secretary"]


def test_problem_news_reaches_only_people_who_see_the_problem(
    demo, django_capture_on_commit_callbacks
):
    request = confirmed_request(demo, to=("TE", "PD"), confidential=True)
    problem = report(demo, request, by="te_head")
    before = told(demo["fi_head"]), told(demo["mt_head"])
    with django_capture_on_commit_callbacks(execute=True):
        notify_on_commit(
            recipients=[demo["fi_head"], demo["mt_head"]],
            event="issues.test",
            template="issues_app/notify/reported_respond",
            context={"number": problem.number, "title": problem.title},
            url="/",
            visible=visible_problems,
            pk=problem.pk,
        )
    assert told(demo["fi_head"]) == before[0]
    assert told(demo["mt_head"]) == before[1] + 1
