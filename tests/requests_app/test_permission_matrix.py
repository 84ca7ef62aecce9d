"""Every demo role × (normal, confidential) × each page and action.

Expected outcomes are written out here by hand from DOMAIN §1–3 (not computed with
the code under test): 200 may act, 302 right person but the state has moved on
(explained on the detail page), 403 may see but not act, 404 may not see."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm

from requests_app import services
from requests_app.models import Request
from requests_app.selectors import visible_requests

from .factories import make_request

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "secretary",
    "leader1",
    "leader2",
    "mt_head",
    "mt_liaison",
    "mt_staff",
    "te_head",
    "te_liaison",
    "te_staff",
    "pd_head",
    "pd_liaison",
    "pd_staff",
    "fi_head",
    "fi_staff",
]

REQUESTING_SIDE = {"mt_staff", "mt_head", "leader1"}
ADDRESSED_NAMED = {"te_head", "te_liaison", "pd_head", "pd_staff"}  # PD contact: pd_staff
ADDRESSED_ALL = ADDRESSED_NAMED | {"te_staff", "pd_liaison"}

VISIBLE = {
    ("draft", "normal"): {"mt_staff"},
    ("draft", "confidential"): {"mt_staff"},
    ("head_review", "normal"): REQUESTING_SIDE | {"secretary", "admin"},
    ("head_review", "confidential"): REQUESTING_SIDE,
    ("leader_review", "normal"): REQUESTING_SIDE | {"secretary", "admin"},
    ("leader_review", "confidential"): REQUESTING_SIDE,
    ("awaiting_confirmation", "normal"): REQUESTING_SIDE | ADDRESSED_ALL | {"secretary", "admin"},
    ("awaiting_confirmation", "confidential"): REQUESTING_SIDE | ADDRESSED_NAMED,
}

# page -> stage -> (may act, right role but wrong state)
PAGES = {
    "detail": {s: (None, set()) for s in ("draft", "head_review", "awaiting_confirmation")},
    "attachment": {s: (None, set()) for s in ("draft", "awaiting_confirmation")},
    "edit": {
        "draft": ({"mt_staff"}, set()),
        "head_review": (set(), {"mt_staff"}),
    },
    "submit": {
        "draft": ({"mt_staff"}, set()),
        "head_review": (set(), {"mt_staff"}),
    },
    "approve": {
        "head_review": ({"mt_head"}, {"leader1"}),
        "leader_review": ({"leader1"}, {"mt_head"}),
        "awaiting_confirmation": (set(), {"mt_head", "leader1"}),
    },
    "return": {
        "head_review": ({"mt_head"}, {"leader1"}),
        "leader_review": ({"leader1"}, {"mt_head"}),
    },
    "withdraw": {
        "head_review": ({"mt_staff"}, set()),
        "awaiting_confirmation": ({"mt_staff"}, set()),
    },
    "answer_te": {"awaiting_confirmation": ({"te_head", "te_liaison"}, set())},
    "answer_pd": {"awaiting_confirmation": ({"pd_head", "pd_liaison", "pd_staff"}, set())},
    "ask_pd": {"awaiting_confirmation": ({"pd_head", "pd_liaison", "pd_staff"}, set())},
}


@pytest.fixture
def requests_by_stage(demo):
    made = {}
    for stage in ("draft", "head_review", "leader_review", "awaiting_confirmation"):
        for confidentiality in ("normal", "confidential"):
            request = make_request(
                demo,
                stage=stage,
                confidentiality=confidentiality,
                contacts={"PD": "pd_staff"},
                title=f"{stage} {confidentiality}",
            )
            services.add_attachments(
                request=request,
                by=demo["mt_staff"],
                files=[SimpleUploadedFile("a.txt", b"x", content_type="text/plain")],
            )
            made[(stage, confidentiality)] = request
    return made


def url_for(page, request):
    pk = request.pk
    if page == "attachment":
        return reverse("requests:attachment", args=[pk, request.attachments.get().pk])
    if page in ("answer_te", "answer_pd", "ask_pd"):
        code = page[-2:].upper()
        rd = request.departments.get(department__code=code)
        name = "requests:ask" if page.startswith("ask") else "requests:answer"
        return reverse(name, args=[pk, rd.pk])
    return reverse(f"requests:{page}", args=[pk])


def expected(page, stage, confidentiality, persona):
    if persona not in VISIBLE[(stage, confidentiality)]:
        return 404
    allowed, wrong_state = PAGES[page][stage]
    if allowed is None:
        return 200
    if persona in allowed:
        return 200
    if persona in wrong_state:
        return 302
    return 403


CASES = [
    (page, stage, confidentiality)
    for page, stages in PAGES.items()
    for stage in stages
    for confidentiality in ("normal", "confidential")
]


@pytest.mark.parametrize("page,stage,confidentiality", CASES)
def test_permission_matrix_get(demo, client, requests_by_stage, page, stage, confidentiality):
    request = requests_by_stage[(stage, confidentiality)]
    url = url_for(page, request)
    failures = []
    for persona in PERSONAS:
        client.force_login(demo[persona])
        got = client.get(url).status_code
        want = expected(page, stage, confidentiality, persona)
        if got != want:
            failures.append(f"{persona}: got {got}, expected {want}")
    assert not failures, f"{page} on {stage}/{confidentiality}: " + "; ".join(failures)


@pytest.mark.parametrize("confidentiality", ["normal", "confidential"])
def test_permission_matrix_post_approve_changes_nothing_for_others(
    demo, client, requests_by_stage, confidentiality
):
    request = requests_by_stage[("head_review", confidentiality)]
    url = reverse("requests:approve", args=[request.pk])
    for persona in PERSONAS:
        if persona == "mt_head":
            continue
        client.force_login(demo[persona])
        assert client.post(url, {"comment": "x"}).status_code in (302, 403, 404)
        request.refresh_from_db()
        assert request.state == "head_review", persona


@pytest.mark.parametrize("stage", ["draft", "head_review", "awaiting_confirmation"])
def test_selector_matches_matrix(demo, requests_by_stage, stage):
    for confidentiality in ("normal", "confidential"):
        request = requests_by_stage[(stage, confidentiality)]
        for persona in PERSONAS:
            seen = visible_requests(demo[persona]).filter(pk=request.pk).exists()
            assert seen == (persona in VISIBLE[(stage, confidentiality)]), (persona, stage)


def test_confidential_visible_after_user_grant(demo, client, requests_by_stage):
    request = requests_by_stage[("awaiting_confirmation", "confidential")]
    client.force_login(demo["fi_staff"])
    url = reverse("requests:detail", args=[request.pk])
    assert client.get(url).status_code == 404
    services.grant_access(request=request, by=demo["mt_staff"], user=demo["fi_staff"])
    assert client.get(url).status_code == 200
    assert Request.objects.filter(pk=request.pk).exists()


def test_confidential_visible_after_group_grant(demo, client, requests_by_stage):
    request = requests_by_stage[("awaiting_confirmation", "confidential")]
    group = Group.objects.create(name="auditors")
    demo["secretary"].groups.add(group)
    client.force_login(demo["secretary"])
    url = reverse("requests:detail", args=[request.pk])
    assert client.get(url).status_code == 404
    assign_perm("requests_app.view_request", group, request)
    assert client.get(url).status_code == 200


def test_grant_by_unrelated_person_is_refused(demo, client, requests_by_stage):
    request = requests_by_stage[("awaiting_confirmation", "confidential")]
    client.force_login(demo["te_head"])
    response = client.post(
        reverse("requests:grant", args=[request.pk]), {"user": demo["fi_staff"].pk}
    )
    assert response.status_code == 403
    assert not visible_requests(demo["fi_staff"]).filter(pk=request.pk).exists()
