"""Sensible dates on the request form: the rule itself, the form, the pages and the
services. "Today" is fixed by giving every date relative to timezone.localdate()."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app import services
from requests_app.dates import latest_deadline, request_date_problems
from requests_app.errors import RequestError
from requests_app.forms import RequestForm
from requests_app.models import Request, RequestEvent, State, events

from .factories import make_request, request_fields
from .test_views import form_data

pytestmark = pytest.mark.django_db

PAST_START = "The start date is in the past."
TOO_EARLY = "A request recorded late can start at most 30 days ago"
PAST_DEADLINE = "The deadline cannot be in the past."
TOO_FAR = "The deadline can be at most 3 years ahead"
OUTSIDE = "Milestones must fall between the start date and the deadline."


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def problems(**kwargs):
    kwargs.setdefault("today", timezone.localdate())
    return [(p.field, p.index, p.message) for p in request_date_problems(**kwargs)]


def field_block(html: str, name: str) -> str:
    """The markup of one field of the request form, error included."""
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


# --- the rule ------------------------------------------------------------------------


def test_rule_accepts_today_to_three_years_ahead():
    today = timezone.localdate()
    assert problems(start=today, deadline=latest_deadline(today), milestones=[today]) == []


def test_rule_start_in_the_past_needs_the_late_record_confirmation():
    [(field, _index, message)] = problems(start=days(-3), deadline=days(10))
    assert field == "start_date" and message.startswith(PAST_START)
    assert problems(start=days(-3), deadline=days(10), recorded_late=True) == []


def test_rule_late_record_reaches_back_thirty_days_only():
    assert problems(start=days(-30), deadline=days(10), recorded_late=True) == []
    [(field, _index, message)] = problems(start=days(-31), deadline=days(10), recorded_late=True)
    assert field == "start_date" and message.startswith(TOO_EARLY)
    assert days(-30).isoformat() in message


def test_rule_deadline_in_the_past_is_always_refused():
    for recorded_late in (False, True):
        found = problems(start=days(-5), deadline=days(-1), recorded_late=recorded_late)
        assert ("deadline", None, PAST_DEADLINE) in found


def test_rule_deadline_before_start_is_refused():
    assert problems(start=days(10), deadline=days(5)) == [
        ("deadline", None, "The deadline cannot be before the start date.")
    ]


def test_rule_deadline_more_than_three_years_ahead_is_refused():
    today = timezone.localdate()
    [(field, _index, message)] = problems(
        start=today, deadline=latest_deadline(today) + timedelta(days=1)
    )
    assert field == "deadline" and message.startswith(TOO_FAR)


def test_rule_three_years_from_29_february_is_28_february():
    assert latest_deadline(date(2028, 2, 29)) == date(2031, 2, 28)


def test_rule_milestones_outside_the_period_are_refused_by_position():
    found = problems(
        start=days(1),
        deadline=days(20),
        milestones=[(days(1), "a"), (days(0), "b"), (days(20), "c"), (days(21), "d")],
    )
    assert found == [("milestones", 1, OUTSIDE), ("milestones", 3, OUTSIDE)]


def test_rule_unchanged_start_is_not_judged_again():
    start = days(-45)
    assert problems(start=start, deadline=days(10), stored_start=start) == []
    # A changed start date is judged like a new one.
    assert problems(start=days(-44), deadline=days(10), stored_start=start)


# --- the form ------------------------------------------------------------------------


def test_form_refuses_past_start_next_to_the_field_unless_recorded_late(demo):
    data = form_data(start_date=days(-2).isoformat())
    form = RequestForm(data)
    assert not form.is_valid()
    assert form.errors["start_date"][0].startswith(PAST_START)
    assert RequestForm({**data, "recorded_late": "on"}).is_valid(), "ticked"


def test_form_shows_the_rules_in_help_texts(demo):
    form = RequestForm()
    assert "30 days" in str(form.fields["start_date"].help_text)
    assert "3 years" in str(form.fields["deadline"].help_text)
    assert "30 days" in str(form.fields["recorded_late"].help_text)
    names = list(form.fields)
    assert names.index("recorded_late") == names.index("start_date") + 1


# --- the create page -----------------------------------------------------------------


def test_create_page_refuses_past_deadline_next_to_field_and_keeps_input(demo, login):
    client = login(demo["mt_staff"])
    data = form_data(deadline=days(-1).isoformat())
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert PAST_DEADLINE in field_block(html, "deadline")
    # The summary at the top names the field and links to it.
    summary = html.index('data-testid="error-summary"')
    assert summary < html.index('id="field-title"')
    assert 'href="#id_deadline"' in html[summary : html.index('id="field-title"')]
    # Everything typed is still there.
    assert 'value="Product launch video"' in html
    assert "A 2-minute video" in html
    assert f'value="{days(-1).isoformat()}"' in html
    assert 'value="Storyboard"' in html
    assert not Request.objects.exists()


def test_create_page_refuses_past_start_without_confirmation(demo, login):
    client = login(demo["mt_staff"])
    data = form_data(start_date=days(-7).isoformat())
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert PAST_START in field_block(html, "start_date")
    assert f'value="{days(-7).isoformat()}"' in html
    assert not Request.objects.exists()


def test_create_page_accepts_past_start_recorded_late_and_says_so(demo, login):
    client = login(demo["mt_staff"])
    data = form_data(start_date=days(-7).isoformat(), recorded_late="on", submit="1")
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.start_date == days(-7)
    assert request.state == State.HEAD_REVIEW
    created = RequestEvent.objects.get(request=request, verb=events.CREATED)
    assert created.data == {"recorded_late": True}


def test_create_page_refuses_late_record_older_than_thirty_days(demo, login):
    client = login(demo["mt_staff"])
    data = form_data(start_date=days(-31).isoformat(), recorded_late="on")
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert TOO_EARLY in field_block(html, "start_date")
    # The ticked box stays ticked.
    assert re.search(r'name="recorded_late"[^>]*checked', html)
    assert not Request.objects.exists()


def test_create_page_refuses_deadline_beyond_three_years(demo, login):
    client = login(demo["mt_staff"])
    far = latest_deadline(timezone.localdate()) + timedelta(days=1)
    response = client.post(reverse("requests:create"), form_data(deadline=far.isoformat()))
    assert response.status_code == 200
    assert TOO_FAR in field_block(response.content.decode(), "deadline")
    assert not Request.objects.exists()


def test_create_page_refuses_milestone_outside_period_next_to_its_date(demo, login):
    client = login(demo["mt_staff"])
    outside = days(25).isoformat()  # the deadline is in 20 days
    response = client.post(reverse("requests:create"), form_data(**{"milestones-0-date": outside}))
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r'<label for="id_milestones-0-date">.*?</div>', html, re.S).group(0)
    assert OUTSIDE in row
    assert f'value="{outside}"' in row
    assert 'href="#id_milestones-0-date"' in html
    assert 'value="Storyboard"' in html
    assert not Request.objects.exists()


# --- editing and resubmitting --------------------------------------------------------


def _returned_request_started_long_ago(demo, *, start_days=-45, deadline_days=30):
    """A request filed a while ago, returned for changes: its start date is now far in
    the past (moved there directly, as time would have)."""
    request = make_request(demo, stage="head_review")
    services.return_request(request=request, by=demo["mt_head"], comment="Add detail")
    Request.objects.filter(pk=request.pk).update(
        start_date=days(start_days), deadline=days(deadline_days)
    )
    request.refresh_from_db()
    return request


def _edit_data(request, **overrides):
    data = form_data(
        start_date=request.start_date.isoformat(),
        deadline=request.deadline.isoformat(),
        **{"milestones-0-date": days(5).isoformat()},
    )
    data.update(overrides)
    return data


def test_returned_request_with_old_start_is_resubmitted_unchanged(demo, login):
    request = _returned_request_started_long_ago(demo)
    client = login(demo["mt_staff"])
    data = _edit_data(request, title="Revised title", submit="1")
    response = client.post(reverse("requests:edit", args=[request.pk]), data)
    assert response.status_code == 302, response.content.decode()
    request.refresh_from_db()
    assert request.state == State.HEAD_REVIEW
    assert request.start_date == days(-45)
    assert request.title == "Revised title"


def test_returned_request_with_a_changed_past_start_is_judged_again(demo, login):
    request = _returned_request_started_long_ago(demo)
    client = login(demo["mt_staff"])
    data = _edit_data(request, start_date=days(-40).isoformat(), submit="1")
    response = client.post(reverse("requests:edit", args=[request.pk]), data)
    assert response.status_code == 200
    assert TOO_EARLY in field_block(response.content.decode(), "start_date")
    request.refresh_from_db()
    assert request.state == State.RETURNED and request.start_date == days(-45)


def test_returned_request_whose_deadline_passed_must_move_it(demo, login):
    request = _returned_request_started_long_ago(demo, deadline_days=-1)
    client = login(demo["mt_staff"])
    data = _edit_data(request, submit="1", **{"milestones-0-date": ""})
    data["milestones-0-description"] = ""
    response = client.post(reverse("requests:edit", args=[request.pk]), data)
    assert response.status_code == 200
    assert PAST_DEADLINE in field_block(response.content.decode(), "deadline")
    data["deadline"] = days(10).isoformat()
    response = client.post(reverse("requests:edit", args=[request.pk]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == State.HEAD_REVIEW and request.deadline == days(10)


def test_submit_action_refuses_a_deadline_that_has_passed(demo, login):
    request = make_request(demo)
    Request.objects.filter(pk=request.pk).update(deadline=days(-1))
    client = login(demo["mt_staff"])
    response = client.post(
        reverse("requests:submit", args=[request.pk]), {"comment": "Ready"}, follow=True
    )
    assert PAST_DEADLINE in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.DRAFT and request.number is None


# --- the services (also used by the API) ---------------------------------------------


def test_service_refuses_past_start_unless_recorded_late(demo):
    fields = request_fields(start_date=days(-3))
    departments = [(demo["te_head"].department, None)]
    with pytest.raises(RequestError) as refused:
        services.create_request(by=demo["mt_staff"], fields=fields, departments=departments)
    assert refused.value.field == "start_date"
    request = services.create_request(
        by=demo["mt_staff"], fields=fields, departments=departments, recorded_late=True
    )
    assert request.start_date == days(-3)


def test_service_update_keeps_an_unchanged_past_start(demo):
    request = _returned_request_started_long_ago(demo)
    departments = [(rd.department, rd.contact) for rd in request.departments.all()]
    fields = request_fields(
        title="Edited", start_date=request.start_date, deadline=request.deadline
    )
    services.update_request(
        request=request, by=demo["mt_staff"], fields=fields, departments=departments
    )
    request.refresh_from_db()
    assert request.title == "Edited"
    with pytest.raises(RequestError) as refused:
        services.update_request(
            request=request,
            by=demo["mt_staff"],
            fields={**fields, "deadline": days(-1)},
            departments=departments,
        )
    assert refused.value.field == "deadline"
    assert str(refused.value) == PAST_DEADLINE
