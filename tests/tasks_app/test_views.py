from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collab.org.models import Department
from tasks_app import services
from tasks_app.models import ProgressEntry, Task, TaskState

from .factories import accepted_task, confirmed_request, delivered_task, make_task, upload

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the Tasks page and the board ----------------------------------------------------


def test_tasks_page_shows_my_tasks_and_my_departments(demo, client):
    request = confirmed_request(demo, to=("TE", "PD"))
    mine = make_task(demo, request, name="Mine")
    colleague = make_task(demo, request, owner="te_liaison", name="Colleague's")
    helping = make_task(demo, request, code="PD", collaborators=["te_staff"], name="Helping")
    other = make_task(demo, request, code="PD", name="PD only")
    client.force_login(demo["te_staff"])

    numbers = lambda r: {row.number for row in r.context["page"].object_list}  # noqa: E731
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 200
    assert numbers(response) == {mine.number, helping.number}
    response = client.get(reverse("tasks:list"), {"scope": "department"})
    assert numbers(response) == {mine.number, colleague.number}
    response = client.get(reverse("tasks:list"), {"scope": "all"})
    assert other.number in numbers(response)


def test_tasks_page_filters_by_state_priority_and_overdue(demo, client):
    request = confirmed_request(demo)
    late = make_task(demo, request, name="Late", finish_in=-1, priority="high")
    started = make_task(demo, request, name="Started")
    services.start_task(task=started, by=demo["te_staff"])
    client.force_login(demo["te_head"])
    url = reverse("tasks:list")

    def numbers(**params):
        response = client.get(url, {"scope": "department", **params})
        assert response.status_code == 200
        return {row.number for row in response.context["page"].object_list}

    assert numbers(state="in_progress") == {started.number}
    assert numbers(priority="high") == {late.number}
    assert numbers(overdue="on") == {late.number}
    assert numbers(q=started.number) == {started.number}
    # Nonsense filters are ignored, not a server error.
    assert numbers(state="nonsense", page="abc") == {late.number, started.number}


def test_board_groups_by_state_with_counts(demo, client):
    request = confirmed_request(demo)
    make_task(demo, request)
    started = make_task(demo, request)
    services.start_task(task=started, by=demo["te_staff"])
    client.force_login(demo["te_head"])
    response = client.get(reverse("tasks:board"), {"scope": "department"})
    assert response.status_code == 200
    columns = {c["state"]: c for c in response.context["columns"]}
    assert columns[TaskState.TODO]["total"] == 1
    assert [t.pk for t in columns[TaskState.IN_PROGRESS]["cards"]] == [started.pk]
    assert columns[TaskState.ACCEPTED]["total"] == 0
    assert b'data-testid="board"' in response.content


def test_board_caps_columns_and_links_to_the_rest(demo, client):
    from tasks_app import selectors

    request = confirmed_request(demo)
    for n in range(4):
        make_task(demo, request, name=f"T{n}")
    columns = selectors.board(demo["te_head"], scope="department", cap=3)
    todo = next(c for c in columns if c["state"] == TaskState.TODO)
    assert (len(todo["cards"]), todo["total"], todo["more"]) == (3, 4, 1)


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _fill(demo, request, n):
    for i in range(n):
        task = make_task(demo, request, name=f"Task {i}", collaborators=["hr_staff"])
        if i % 3 == 1:
            services.start_task(task=task, by=task.owner)
        if i % 3 == 2:
            services.start_task(task=task, by=task.owner)
            services.deliver_task(task=task, by=task.owner, files=[upload()])


@pytest.mark.parametrize("url_name", ["tasks:board", "tasks:list"])
def test_board_and_list_queries_do_not_grow_with_tasks(demo, client, url_name):
    one = confirmed_request(demo, title="One")
    _fill(demo, one, 1)
    client.force_login(demo["te_head"])
    url = reverse(url_name)
    _count(client, url, scope="department")  # warm caches (content types, calendar)
    few = _count(client, url, scope="department")
    many_request = confirmed_request(demo, title="Many")
    _fill(demo, many_request, 30)
    many = _count(client, url, scope="department")
    assert Task.objects.count() == 31
    assert few == many


def test_request_page_queries_do_not_grow_with_tasks(demo, client):
    one = confirmed_request(demo, to=("TE", "PD"), title="One")
    _fill(demo, one, 1)
    many = confirmed_request(demo, to=("TE", "PD"), title="Many")
    _fill(demo, many, 30)
    client.force_login(demo["mt_staff"])
    _count(client, reverse("requests:detail", args=[one.pk]))
    few_queries = _count(client, reverse("requests:detail", args=[one.pk]))
    response = client.get(reverse("requests:detail", args=[many.pk]))
    assert response.content.count(b'data-testid="request-task"') == 30
    assert _count(client, reverse("requests:detail", args=[many.pk])) == few_queries


def test_task_page_queries_do_not_grow_with_progress_and_rounds(demo, client):
    request = confirmed_request(demo)
    small = make_task(demo, request)
    services.start_task(task=small, by=small.owner)
    services.post_progress(task=small, by=small.owner, text="One", files=[upload("x.png")])
    services.deliver_task(task=small, by=small.owner, files=[upload()])
    big = make_task(demo, request, collaborators=["te_liaison", "hr_staff"])
    services.start_task(task=big, by=big.owner)
    for _ in range(3):
        services.post_progress(task=big, by=big.owner, text="More", files=[upload("x.png")])
        services.post_progress(task=big, by=demo["te_liaison"], text="Help")
        services.deliver_task(task=big, by=big.owner, files=[upload()], links=["https://a.example"])
        services.reject_task(
            task=big,
            by=demo["mt_staff"],
            changes="Again",
            new_deadline=timezone.localdate() + timedelta(days=1),
        )
        services.resume_task(task=big, by=big.owner)
    client.force_login(demo["mt_staff"])
    _count(client, reverse("tasks:detail", args=[small.pk]))
    assert _count(client, reverse("tasks:detail", args=[small.pk])) == _count(
        client, reverse("tasks:detail", args=[big.pk])
    )


# --- the request page's task panel ---------------------------------------------------


def test_request_page_shows_tasks_late_ones_and_buttons(demo, client):
    request = confirmed_request(demo, to=("TE", "PD"))
    late = make_task(demo, request, finish_in=-2, name="Late one")
    client.force_login(demo["te_head"])
    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert late.number in page
    assert 'data-testid="late-TE"' in page
    assert 'data-testid="late-owners"' in page
    assert 'data-testid="add-task-TE"' in page
    assert 'data-testid="add-task-PD"' not in page  # not their department
    client.force_login(demo["mt_staff"])
    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert 'data-testid="add-task-TE"' not in page


def test_request_page_offers_rating_once_all_accepted(demo, client):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    client.force_login(demo["mt_staff"])
    url = reverse("requests:detail", args=[request.pk])
    assert 'data-testid="rate-TE"' not in client.get(url).content.decode()
    services.accept_task(task=task, by=demo["mt_staff"])
    assert 'data-testid="rate-TE"' in client.get(url).content.decode()


# --- creating and editing ------------------------------------------------------------


def _task_form(demo, **overrides):
    today = timezone.localdate()
    data = {
        "name": "Write the copy",
        "owner": demo["te_staff"].pk,
        "collaborators": [demo["hr_staff"].pk],
        "priority": "high",
        "planned_start": today.isoformat(),
        "planned_finish": (today + timedelta(days=5)).isoformat(),
        "deliverable_standard": "Proof-read by two people.",
    }
    data.update(overrides)
    return data


def test_head_creates_task_through_the_form(demo, client):
    request = confirmed_request(demo)
    te = Department.objects.get(code="TE")
    client.force_login(demo["te_head"])
    url = reverse("tasks:create", args=[request.pk, te.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _task_form(demo))
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.number == f"{request.number}-01"
    assert list(task.collaborators.all()) == [demo["hr_staff"]]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"planned_finish": "2000-01-01"}, "planned_finish"),
        ({"planned_start": "not a date"}, "planned_start"),
        ({"owner": "999999"}, "owner"),
        ({"name": ""}, "name"),
        ({"planned_start_far": True}, "planned_start"),
    ],
)
def test_task_form_shows_errors_next_to_fields(demo, client, overrides, field):
    request = confirmed_request(demo)
    te = Department.objects.get(code="TE")
    client.force_login(demo["te_head"])
    if overrides.pop("planned_start_far", False):
        far = request.start_date - timedelta(days=3)
        overrides = {"planned_start": far.isoformat()}
    response = client.post(
        reverse("tasks:create", args=[request.pk, te.pk]), _task_form(demo, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="field-{field}"' in response.content.decode()
    assert not Task.objects.exists()


def test_owner_from_another_department_is_not_offered(demo, client):
    request = confirmed_request(demo)
    te = Department.objects.get(code="TE")
    client.force_login(demo["te_head"])
    response = client.post(
        reverse("tasks:create", args=[request.pk, te.pk]),
        _task_form(demo, owner=demo["pd_staff"].pk),
    )
    assert "owner" in response.context["form"].errors


def test_edit_after_delivery_redirects_with_explanation(demo, client):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    client.force_login(demo["te_head"])
    response = client.get(reverse("tasks:edit", args=[task.pk]), follow=True)
    assert any("Already delivered by" in m for m in messages_of(response))


# --- work and acceptance through the pages -------------------------------------------


def test_owner_works_and_requester_decides_through_pages(demo, client):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    client.force_login(demo["te_staff"])
    assert client.post(reverse("tasks:start", args=[task.pk])).status_code == 302
    response = client.post(
        reverse("tasks:progress", args=[task.pk]),
        {"text": "Front end 30%", "percent": "30", "files": [upload("shot.png")]},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tasks:deliver", args=[task.pk]),
        {"note": "Here", "files": [upload()], "links": "https://example.com/x\n"},
    )
    assert response.status_code == 302
    client.force_login(demo["mt_staff"])
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="action-accept"' in page
    assert 'data-testid="feedback-due"' in page
    response = client.post(
        reverse("tasks:reject", args=[task.pk]),
        {
            "changes": "Bigger logo",
            "new_deadline": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.REWORK
    assert task.rejection_rounds == 1


@pytest.mark.parametrize(
    "url_name,data,field",
    [
        ("tasks:progress", {"text": "", "percent": "abc"}, "text"),
        ("tasks:progress", {"text": "x", "percent": "101"}, "percent"),
        ("tasks:deliver", {"note": "no files"}, "files"),
        ("tasks:deliver", {"links": "not a link"}, "links"),
    ],
)
def test_bad_work_input_is_shown_next_to_the_field(demo, client, url_name, data, field):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    client.force_login(demo["te_staff"])
    response = client.post(reverse(url_name, args=[task.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Task.objects.get(pk=task.pk).state == TaskState.IN_PROGRESS
    assert not ProgressEntry.objects.exists()


def test_bad_file_type_is_refused_next_to_the_field(demo, client):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    services.start_task(task=task, by=demo["te_staff"])
    client.force_login(demo["te_staff"])
    response = client.post(
        reverse("tasks:deliver", args=[task.pk]),
        {"files": [upload("run.exe", b"MZ", "application/octet-stream")]},
    )
    assert response.status_code == 200
    assert "files" in response.context["form"].errors


@pytest.mark.parametrize(
    "data,field",
    [
        ({"changes": "", "new_deadline": "2999-01-01"}, "changes"),
        ({"changes": "x", "new_deadline": "2001-01-01"}, "new_deadline"),
        ({"changes": "x", "new_deadline": "soon"}, "new_deadline"),
    ],
)
def test_bad_rejection_is_shown_next_to_the_field(demo, client, data, field):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    client.force_login(demo["mt_staff"])
    response = client.post(reverse("tasks:reject", args=[task.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Task.objects.get(pk=task.pk).state == TaskState.DELIVERED


def test_stale_accept_click_is_explained_not_a_500(demo, client):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    services.accept_task(task=task, by=demo["mt_head"])
    client.force_login(demo["mt_staff"])
    response = client.post(reverse("tasks:accept", args=[task.pk]), follow=True)
    assert response.status_code == 200
    assert any("Already accepted by 马经理" in m for m in messages_of(response))


def test_stale_second_delivery_is_explained(demo, client):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    client.force_login(demo["te_staff"])
    response = client.post(
        reverse("tasks:deliver", args=[task.pk]), {"files": [upload()]}, follow=True
    )
    assert any("Already delivered by 唐专员" in m for m in messages_of(response))
    assert task.rounds.count() == 1


def test_unknown_task_is_404(demo, client):
    client.force_login(demo["te_head"])
    assert client.get(reverse("tasks:detail", args=[999999])).status_code == 404
    assert client.get(reverse("tasks:start", args=[999999])).status_code == 404


# --- rating --------------------------------------------------------------------------


def test_rating_form_rates_and_completes(demo, client):
    request = confirmed_request(demo)
    accepted_task(demo, request)
    te = Department.objects.get(code="TE")
    client.force_login(demo["mt_staff"])
    url = reverse("tasks:rate", args=[request.pk, te.pk])
    response = client.post(url, {"speed": "9", "professionalism": "4", "cooperation": "5"})
    assert response.status_code == 200
    assert "speed" in response.context["form"].errors
    response = client.post(
        url, {"speed": "5", "professionalism": "4", "cooperation": "5", "remarks": "Fast"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == "completed"
    response = client.get(url, follow=True)
    assert any("already rated" in m for m in messages_of(response))


def test_rating_too_early_is_explained(demo, client):
    request = confirmed_request(demo)
    make_task(demo, request)
    te = Department.objects.get(code="TE")
    client.force_login(demo["mt_staff"])
    response = client.get(reverse("tasks:rate", args=[request.pk, te.pk]), follow=True)
    assert any("once all its tasks are accepted" in m for m in messages_of(response))


# --- files ---------------------------------------------------------------------------


def test_files_are_served_only_to_those_who_see_the_task(demo, client):
    request = confirmed_request(demo, confidential=True)
    task = make_task(demo, request)
    services.start_task(task=task, by=task.owner)
    entry = services.post_progress(
        task=task, by=task.owner, text="x", files=[upload("shot.png", b"PNG")]
    )
    services.deliver_task(task=task, by=task.owner, files=[upload(content=b"%PDF-secret")])
    deliverable = task.deliverables.get()
    urls = [
        reverse("tasks:deliverable", args=[task.pk, deliverable.pk]),
        reverse("tasks:progress_file", args=[task.pk, entry.files.get().pk]),
    ]
    client.force_login(demo["mt_staff"])
    response = client.get(urls[0])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-secret"
    assert "page.pdf" in response["Content-Disposition"]
    assert client.get(urls[1]).status_code == 200
    for outsider in ("pd_staff", "secretary", "hr_staff"):
        client.force_login(demo[outsider])
        assert [client.get(u).status_code for u in urls] == [404, 404]
    # A file id from another task is not reachable through this task's URL.
    other = delivered_task(demo, request, name="Other")
    client.force_login(demo["mt_staff"])
    wrong = reverse("tasks:deliverable", args=[task.pk, other.deliverables.get().pk])
    assert client.get(wrong).status_code == 404


def test_stored_file_name_is_random(demo):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    stored = task.deliverables.get()
    assert "page" not in stored.file.name
    assert stored.original_name == "page.pdf"


# --- language ------------------------------------------------------------------------


def test_task_pages_render_in_chinese(demo, client):
    request = confirmed_request(demo)
    task = make_task(demo, request)
    client.force_login(demo["te_staff"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    for url in (
        reverse("tasks:list"),
        reverse("tasks:board"),
        reverse("tasks:detail", args=[task.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()


# --- admin ---------------------------------------------------------------------------


def test_admin_shows_tasks_read_only(demo, client):
    request = confirmed_request(demo)
    task = delivered_task(demo, request)
    client.force_login(demo["admin"])
    assert client.get(reverse("admin:tasks_app_task_changelist")).status_code == 200
    response = client.get(reverse("admin:tasks_app_task_change", args=[task.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.get(reverse("admin:tasks_app_task_history", args=[task.pk])).status_code == 200
    assert client.get(reverse("admin:tasks_app_deliverable_changelist")).status_code == 200
    assert client.get(reverse("admin:tasks_app_departmentrating_changelist")).status_code == 200
