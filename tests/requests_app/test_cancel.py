"""The division leader cancels a request in progress (DOMAIN §3), with a reason."""

import pytest
from django.urls import reverse

from requests_app.models import State

from .factories import make_request

pytestmark = pytest.mark.django_db


def test_cancel_by_division_leader_needs_reason_and_records_it(demo, login):
    obj = make_request(demo, stage="in_progress")
    client = login(demo["leader1"])
    url = reverse("requests:cancel", args=[obj.pk])

    page = client.get(reverse("requests:detail", args=[obj.pk])).content.decode()
    assert 'data-testid="action-cancel"' in page

    empty = client.post(url, {"comment": ""})
    assert empty.status_code == 200
    assert 'class="field-error"' in empty.content.decode()
    obj.refresh_from_db()
    assert obj.state == State.IN_PROGRESS

    done = client.post(url, {"comment": "Budget withdrawn by the board."})
    assert done.status_code == 302
    obj.refresh_from_db()
    assert obj.state == State.CANCELLED
    event = obj.events.order_by("-at", "-pk").first()
    assert (event.verb, event.actor, event.comment) == (
        "requests.request.cancelled",
        demo["leader1"],
        "Budget withdrawn by the board.",
    )


@pytest.mark.parametrize("username", ["mt_staff", "mt_head", "te_head", "leader2", "secretary"])
def test_cancel_refused_to_everyone_but_the_division_leader(demo, login, username):
    obj = make_request(demo, stage="in_progress")
    response = login(demo[username]).post(
        reverse("requests:cancel", args=[obj.pk]), {"comment": "no"}
    )
    assert response.status_code in (403, 404)
    obj.refresh_from_db()
    assert obj.state == State.IN_PROGRESS


def test_cancel_before_work_starts_is_explained_not_fired(demo, login):
    obj = make_request(demo, stage="awaiting_confirmation")
    client = login(demo["leader1"])
    page = client.get(reverse("requests:detail", args=[obj.pk])).content.decode()
    assert 'data-testid="action-cancel"' not in page
    response = client.post(reverse("requests:cancel", args=[obj.pk]), {"comment": "x"}, follow=True)
    assert response.status_code == 200
    obj.refresh_from_db()
    assert obj.state == State.AWAITING_CONFIRMATION
