"""The Requests list and My work cost the same number of queries for 1 and 30 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import make_request

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # warm caches that are per process, not per row
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add(demo, n, stage):
    for i in range(n):
        make_request(demo, stage=stage, title=f"Request {i}")


def test_request_list_queries_constant_for_1_and_30(demo, client):
    client.force_login(demo["te_liaison"])
    url = reverse("requests:list")
    add(demo, 1, "awaiting_confirmation")
    one = count(client, url)
    add(demo, 29, "awaiting_confirmation")
    thirty = count(client, url)
    assert one == thirty


def test_request_list_filtered_queries_constant(demo, client):
    client.force_login(demo["mt_head"])
    url = reverse("requests:list") + "?role=review&priority=medium&q=Request"
    add(demo, 1, "head_review")
    one = count(client, url)
    add(demo, 29, "head_review")
    assert count(client, url) == one


def test_my_work_queries_constant_for_1_and_30(demo, client):
    client.force_login(demo["te_liaison"])
    url = reverse("shell:my_work")
    add(demo, 1, "awaiting_confirmation")
    one = count(client, url)
    add(demo, 29, "awaiting_confirmation")
    assert count(client, url) == one


def test_detail_queries_constant_for_1_and_30_departments_events(demo, client):
    client.force_login(demo["mt_staff"])
    small = make_request(demo, to=("TE",), stage="awaiting_confirmation")
    large = make_request(
        demo, to=("TE", "PD", "SA", "FI", "HR", "AD"), stage="awaiting_confirmation"
    )
    assert count(client, reverse("requests:detail", args=[small.pk])) == count(
        client, reverse("requests:detail", args=[large.pk])
    )
