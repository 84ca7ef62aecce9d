import pytest

from collab.org.models import Department
from collab.org.roles import roles_of


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, names",
    [
        ("mt_staff", {"staff"}),
        ("mt_head", {"staff", "head"}),
        ("te_liaison", {"staff", "liaison"}),
        ("leader1", {"staff", "leader", "group_leader"}),
        ("leader2", {"staff", "leader"}),
        ("secretary", {"staff", "secretary"}),
    ],
)
def test_roles_follow_the_organisation(demo, username, names):
    assert roles_of(demo[username]).names == names


@pytest.mark.django_db
def test_roles_of_leader_lists_led_departments(demo):
    led = roles_of(demo["leader1"]).led
    assert set(Department.objects.filter(pk__in=led).values_list("code", flat=True)) == {
        "MT",
        "SA",
        "AD",
    }


@pytest.mark.django_db
def test_roles_are_computed_in_one_query_and_cached(demo, django_assert_num_queries):
    user = demo["te_head"]
    with django_assert_num_queries(1):
        roles_of(user)
        roles_of(user)


@pytest.mark.django_db
def test_inactive_department_gives_no_role(demo):
    Department.objects.filter(code="HR").update(is_active=False)
    from collab.org.models import User

    assert roles_of(User.objects.get(username="hr_head")).names == {"staff"}
