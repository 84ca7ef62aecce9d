from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collab.org.models import Department
from requests_app import services
from requests_app.models import Attachment, Request, State

from .factories import make_request

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    today = timezone.localdate()
    te = Department.objects.get(code="TE")
    pd = Department.objects.get(code="PD")
    data = {
        "title": "Product launch video",
        "type": "project",
        "priority": "high",
        "confidentiality": "normal",
        "contact_phone": "010-1",
        "external_partner": "",
        "background_goal": "Launch in May",
        "content_deliverables": "A 2-minute video",
        "start_date": today.isoformat(),
        "deadline": (today + timedelta(days=20)).isoformat(),
        "resource_needs": "",
        "expected_benefit": "",
        "usage_period": "",
        "departments-TOTAL_FORMS": "3",
        "departments-INITIAL_FORMS": "0",
        "departments-0-department": str(te.pk),
        "departments-0-contact": "",
        "departments-1-department": str(pd.pk),
        "departments-1-contact": str(pd.head_id),
        "departments-2-department": "",
        "departments-2-contact": "",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-date": (today + timedelta(days=10)).isoformat(),
        "milestones-0-description": "Storyboard",
        "milestones-1-date": "",
        "milestones-1-description": "",
    }
    data.update(overrides)
    return data


def test_create_page_renders_for_staff(demo, login):
    response = login(demo["mt_staff"]).get(reverse("requests:create"))
    assert response.status_code == 200
    assert b'name="departments-0-department"' in response.content


def test_create_and_submit_through_form(demo, login):
    client = login(demo["mt_staff"])
    upload = SimpleUploadedFile("brief.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    data = form_data(submit="1", attachments=upload)
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 302
    request = Request.objects.get(title="Product launch video")
    assert request.state == State.HEAD_REVIEW
    assert request.number.startswith("MT")
    contacts = dict(request.departments.values_list("department__code", "contact__username"))
    assert contacts == {"TE": "te_liaison", "PD": "pd_head"}
    assert request.milestones.get().description == "Storyboard"
    attachment = Attachment.objects.get(request=request)
    assert attachment.original_name == "brief.pdf"
    assert "brief" not in attachment.file.name


def test_create_with_errors_keeps_input_and_shows_errors_next_to_fields(demo, login):
    client = login(demo["mt_staff"])
    mt = Department.objects.get(code="MT")
    today = timezone.localdate()
    data = form_data(
        title="",
        deadline=(today - timedelta(days=1)).isoformat(),
        **{"departments-0-department": str(mt.pk)},
    )
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="field-title"' in html and "field-error" in html
    assert "A 2-minute video" in html  # typed text kept
    assert "Storyboard" in html
    assert not Request.objects.exists()


def test_create_rejects_forbidden_attachment_type(demo, login):
    client = login(demo["mt_staff"])
    upload = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("requests:create"), form_data(attachments=upload))
    assert response.status_code == 200
    assert "not accepted" in response.content.decode()
    assert not Request.objects.exists()


def test_create_rejects_contact_outside_department(demo, login):
    client = login(demo["mt_staff"])
    data = form_data(**{"departments-0-contact": str(demo["pd_staff"].pk)})
    response = client.post(reverse("requests:create"), data)
    assert response.status_code == 200
    assert not Request.objects.exists()


def test_resource_request_requires_benefit_and_period(demo, login):
    client = login(demo["mt_staff"])
    response = client.post(reverse("requests:create"), form_data(type="resource"))
    assert response.status_code == 200
    assert 'id="field-expected_benefit"' in response.content.decode()
    assert not Request.objects.exists()


def test_edit_returned_request_and_resubmit(demo, login):
    request = make_request(demo, stage="head_review")
    services.return_request(request=request, by=demo["mt_head"], comment="Add detail")
    client = login(demo["mt_staff"])
    assert client.get(reverse("requests:edit", args=[request.pk])).status_code == 200
    data = form_data(title="Revised title", submit="1")
    response = client.post(reverse("requests:edit", args=[request.pk]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Revised title"
    assert request.state == State.HEAD_REVIEW


def test_detail_shows_next_actor_and_timeline(demo, login):
    request = make_request(demo, stage="awaiting_confirmation")
    response = login(demo["mt_staff"]).get(reverse("requests:detail", args=[request.pk]))
    html = response.content.decode()
    assert 'data-testid="next-steps"' in html
    assert demo["te_liaison"].name in html
    assert 'data-verb="requests.request.head_approved"' in html
    assert 'data-state="awaiting_confirmation"' in html


def test_approve_via_views_then_stale_click_explains(demo, login):
    request = make_request(demo, stage="head_review")
    client = login(demo["mt_head"])
    url = reverse("requests:approve", args=[request.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"comment": "fine"}).status_code == 302
    response = client.post(url, {"comment": "again"}, follow=True)
    assert response.status_code == 200
    assert "Already approved by" in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.LEADER_REVIEW


def test_return_requires_comment(demo, login):
    request = make_request(demo, stage="head_review")
    client = login(demo["mt_head"])
    response = client.post(reverse("requests:return", args=[request.pk]), {"comment": ""})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.HEAD_REVIEW


def test_department_answer_and_question_flow(demo, login):
    request = make_request(demo, stage="awaiting_confirmation")
    te = request.departments.get(department__code="TE")
    pd = request.departments.get(department__code="PD")
    client = login(demo["pd_head"])
    ask = reverse("requests:ask", args=[request.pk, pd.pk])
    assert client.post(ask, {"question": "Which format?"}).status_code == 302
    c = request.clarifications.get()
    staff = login(demo["mt_staff"])
    reply = reverse("requests:reply", args=[request.pk, c.pk])
    assert staff.post(reply, {"answer": "MP4"}).status_code == 302
    c.refresh_from_db()
    assert c.answer == "MP4"
    te_client = login(demo["te_liaison"])
    answer = reverse("requests:answer", args=[request.pk, te.pk])
    assert te_client.post(answer, {"answer": "confirmed"}).status_code == 302
    pd_client = login(demo["pd_head"])
    answer = reverse("requests:answer", args=[request.pk, pd.pk])
    assert pd_client.post(answer, {"answer": "confirmed"}).status_code == 302
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS


def test_second_answer_click_says_already_answered(demo, login):
    request = make_request(demo, stage="awaiting_confirmation")
    te = request.departments.get(department__code="TE")
    client = login(demo["te_liaison"])
    url = reverse("requests:answer", args=[request.pk, te.pk])
    client.post(url, {"answer": "confirmed"})
    response = client.post(url, {"answer": "confirmed"}, follow=True)
    assert "already answered" in response.content.decode()


def test_attachment_download_for_viewer_and_404_for_others(demo, login):
    request = make_request(demo, stage="awaiting_confirmation")
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    services.add_attachments(request=request, by=demo["mt_staff"], files=[upload])
    attachment = request.attachments.get()
    url = reverse("requests:attachment", args=[request.pk, attachment.pk])
    response = login(demo["te_staff"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello"
    assert 'attachment; filename="notes.txt"' in response["Content-Disposition"]
    assert login(demo["fi_staff"]).get(url).status_code == 404


def test_list_filters_and_search(demo, login):
    a = make_request(demo, stage="head_review", title="Alpha brochure")
    make_request(demo, stage="draft", title="Beta draft")
    client = login(demo["mt_staff"])
    response = client.get(reverse("requests:list"), {"q": a.number})
    assert "Alpha brochure" in response.content.decode()
    assert "Beta draft" not in response.content.decode()
    response = client.get(reverse("requests:list"), {"state": "draft"})
    assert "Beta draft" in response.content.decode()
    assert "Alpha brochure" not in response.content.decode()
    response = client.get(reverse("requests:list"), {"date_from": "not-a-date"})
    assert response.status_code == 200


def test_contact_options_lists_department_members(demo, login):
    te = Department.objects.get(code="TE")
    response = login(demo["mt_staff"]).get(
        reverse("requests:contact_options"), {"departments-0-department": te.pk}
    )
    html = response.content.decode()
    assert demo["te_staff"].name in html and demo["pd_staff"].name not in html


def test_my_work_lists_pending_confirmation_with_due(demo, login):
    make_request(demo, stage="awaiting_confirmation", title="Needs TE")
    response = login(demo["te_liaison"]).get(reverse("shell:my_work"))
    html = response.content.decode()
    assert "Needs TE" in html and "Confirm for TE" in html


def test_edit_records_changed_fields_in_timeline(demo, login):
    request = make_request(demo)
    client = login(demo["mt_staff"])
    response = client.post(reverse("requests:edit", args=[request.pk]), form_data(title="New"))
    assert response.status_code == 302
    event = request.events.filter(verb="requests.request.edited").get()
    assert "title" in event.data["fields"]
    assert "contact_phone" in event.data["fields"]
    assert "background_goal" in event.data["fields"]


def test_returned_request_shows_reason_on_detail_and_edit(demo, login):
    request = make_request(demo, stage="head_review")
    services.return_request(request=request, by=demo["mt_head"], comment="Budget missing")
    client = login(demo["mt_staff"])
    for name in ("requests:detail", "requests:edit"):
        html = client.get(reverse(name, args=[request.pk])).content.decode()
        assert 'data-testid="return-reason"' in html and "Budget missing" in html


def test_list_with_one_bad_filter_keeps_the_others(demo, login):
    make_request(demo, stage="head_review", title="Alpha brochure")
    make_request(demo, stage="draft", title="Beta draft")
    client = login(demo["mt_staff"])
    response = client.get(reverse("requests:list"), {"state": "draft", "department": "999999"})
    html = response.content.decode()
    assert "Beta draft" in html and "Alpha brochure" not in html
