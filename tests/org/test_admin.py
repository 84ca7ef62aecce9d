import pytest
from django.urls import reverse

from collab.org.models import Department, User


@pytest.fixture
def admin_client_demo(login, demo):
    return login(demo["admin"])


@pytest.mark.django_db
def test_admin_department_list_search_and_filters(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:org_department_changelist"), {"q": "市场"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "MT" in body and "TE</a>" not in body
    response = admin_client_demo.get(
        reverse("admin:org_department_changelist"), {"is_active__exact": "0"}
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_admin_department_change_shows_members_inline_and_records_history(admin_client_demo, demo):
    mt = Department.objects.get(code="MT")
    url = reverse("admin:org_department_change", args=[mt.pk])
    page = admin_client_demo.get(url).content.decode()
    assert "mt_staff" in page and "mt_head" in page
    form = {
        "code": "MT",
        "name_zh": "市场营销部",
        "name_en": "Marketing",
        "head": demo["mt_head"].pk,
        "liaison": demo["mt_liaison"].pk,
        "leader": demo["leader1"].pk,
        "is_active": "on",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    response = admin_client_demo.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    mt.refresh_from_db()
    assert mt.name_zh == "市场营销部"
    record = mt.history.order_by("-history_date").first()
    assert record.name_zh == "市场营销部"
    assert record.history_user == demo["admin"]
    history = admin_client_demo.get(reverse("admin:org_department_history", args=[mt.pk]))
    assert "市场营销部" in history.content.decode()


@pytest.mark.django_db
def test_admin_rejects_invalid_department_code_next_to_field(admin_client_demo):
    response = admin_client_demo.post(
        reverse("admin:org_department_add"),
        {
            "code": "m1",
            "name_zh": "测试",
            "name_en": "Test",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Use 2 to 4 capital letters" in response.content.decode()
    assert not Department.objects.filter(name_en="Test").exists()


@pytest.mark.django_db
def test_admin_deactivate_action_keeps_department(admin_client_demo):
    fi = Department.objects.get(code="FI")
    response = admin_client_demo.post(
        reverse("admin:org_department_changelist"),
        {"action": "deactivate", "_selected_action": [fi.pk]},
    )
    assert response.status_code == 302
    fi.refresh_from_db()
    assert fi.is_active is False


@pytest.mark.django_db
def test_admin_person_edit_records_history_and_roles(admin_client_demo, demo):
    person = demo["sa_staff"]
    response = admin_client_demo.get(reverse("admin:org_user_change", args=[person.pk]))
    assert response.status_code == 200
    assert "Executive secretary" in response.content.decode()
    person.is_secretary = True
    person.save()
    assert person.history.count() >= 2
    from collab.org.roles import roles_of

    assert "secretary" in roles_of(User.objects.get(pk=person.pk)).names


@pytest.mark.django_db
def test_admin_object_permissions_page_available(admin_client_demo):
    mt = Department.objects.get(code="MT")
    response = admin_client_demo.get(reverse("admin:org_department_permissions", args=[mt.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_non_staff_cannot_open_admin(login, demo):
    response = login(demo["secretary"]).get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_admin_cannot_delete_department_with_requests_and_offers_deactivation(
    admin_client_demo, demo
):
    from tests.requests_app.factories import make_request

    make_request(demo, requester="mt_staff", to=("TE",))
    mt = Department.objects.get(code="MT")
    te = Department.objects.get(code="TE")
    fi = Department.objects.get(code="FI")

    # The requesting and the addressed department are kept: no delete page, no button.
    for department in (mt, te):
        url = reverse("admin:org_department_delete", args=[department.pk])
        assert admin_client_demo.get(url).status_code == 403
        change = admin_client_demo.get(reverse("admin:org_department_change", args=[department.pk]))
        assert f"/admin/org/department/{department.pk}/delete/" not in change.content.decode()
    # The bulk action refuses them with a message and deletes only the others.
    for user in fi.members.all():
        user.department = None
        user.save()
    response = admin_client_demo.post(
        reverse("admin:org_department_changelist"),
        {"action": "delete_unused", "_selected_action": [mt.pk, fi.pk, te.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert set(Department.objects.filter(pk__in=[mt.pk, te.pk]).values_list("code", flat=True)) == {
        "MT",
        "TE",
    }
    assert not Department.objects.filter(pk=fi.pk).exists()
    assert "1 department deleted." in body
    assert "deactivate them instead: MT, TE" in body
