import pytest
from django.urls import reverse

ALL_ENTRIES = ["my_work", "requests", "tasks", "problems", "meetings", "ledgers", "kpi", "admin"]
STAFF_ENTRIES = ["my_work", "requests", "tasks", "problems", "meetings", "ledgers"]
MANAGER_ENTRIES = [*STAFF_ENTRIES, "kpi"]


def nav_keys(response) -> list[str]:
    import re

    return re.findall(r'data-nav="([a-z_]+)"', response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, expected",
    [
        ("mt_staff", STAFF_ENTRIES),
        ("te_liaison", STAFF_ENTRIES),
        ("mt_head", MANAGER_ENTRIES),
        ("leader1", MANAGER_ENTRIES),
        ("secretary", MANAGER_ENTRIES),
        ("admin", ALL_ENTRIES),
    ],
)
def test_navigation_matches_roles(login, demo, username, expected):
    response = login(demo[username]).get("/")
    assert nav_keys(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("entry", ALL_ENTRIES)
def test_every_navigation_entry_opens_without_error(login, demo, entry):
    client = login(demo["admin"])
    response = client.get("/")
    import re

    url = re.search(rf'href="([^"]+)" data-nav="{entry}"', response.content.decode()).group(1)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_language_switch_persists_in_cookie_and_on_person(login, demo):
    client = login(demo["pd_staff"])
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "我的工作" in page
    demo["pd_staff"].refresh_from_db()
    assert demo["pd_staff"].preferred_language == "zh-hans"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My work" in client.get("/").content.decode()


@pytest.mark.django_db
def test_chinese_shell_has_no_english_leftovers(login, demo):
    client = login(demo["admin"])
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = client.get("/").content.decode()
    for english in [
        "My work",
        "Requests",
        "Tasks",
        "Problems",
        "Meetings",
        "Ledgers",
        "Change password",
        "Log out",
        "Nothing is waiting",
        "Cross-department collaboration",
    ]:
        assert english not in page, english
    for chinese in ["我的工作", "协作需求", "任务", "问题", "会议", "台账", "修改密码", "退出登录"]:
        assert chinese in page, chinese


@pytest.mark.django_db
def test_assets_are_served_locally(client):
    page = client.get(reverse("login")).content.decode()
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page
    for asset in [
        "/static/vendor/pico/pico.min.css",
        "/static/vendor/htmx/htmx.min.js",
        "/static/css/app.css",
    ]:
        assert asset in page
        response = client.get(asset)
        assert response.status_code == 200, asset


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_refuses_without_debug(settings, demo):
    from django.core.management import CommandError, call_command

    from collab.org.models import Department, User

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Department.objects.count() == 7
    assert User.objects.count() == 25
    mt = Department.objects.get(code="MT")
    assert (mt.name_zh, mt.name_en, mt.head.username, mt.leader.username) == (
        "市场部",
        "Marketing",
        "mt_head",
        "leader1",
    )
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", verbosity=0)
