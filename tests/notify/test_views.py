from django.urls import reverse

from collab.notify.models import Notification, NotificationPreference


def _note(user, subject="Something happened", url=""):
    return Notification.objects.create(
        recipient=user, event="tests.x", subject=subject, body="b", url=url
    )


def test_list_shows_only_own_notifications(demo, login):
    _note(demo["mt_staff"], "mine")
    _note(demo["te_staff"], "someone else's")

    response = login(demo["mt_staff"]).get(reverse("notify:list"))

    assert response.status_code == 200
    assert b"mine" in response.content
    assert b"someone else" not in response.content


def test_list_unread_filter_and_bad_page(demo, login):
    read = _note(demo["mt_staff"], "old news")
    read.read_at = read.created_at
    read.save()
    _note(demo["mt_staff"], "fresh")
    client = login(demo["mt_staff"])

    response = client.get(reverse("notify:list") + "?unread=1&page=abc")

    assert response.status_code == 200
    assert b"fresh" in response.content and b"old news" not in response.content


def test_bell_counts_unread(demo, login):
    _note(demo["mt_staff"])
    _note(demo["mt_staff"])
    _note(demo["te_staff"])

    response = login(demo["mt_staff"]).get(reverse("notify:bell"))

    assert response.status_code == 200
    assert b'data-testid="notify-unread">2<' in response.content


def test_bell_requires_login(client):
    response = client.get(reverse("notify:bell"))

    assert response.status_code == 302


def test_mark_read_marks_and_opens_link(demo, login):
    note = _note(demo["mt_staff"], url="/requests/7/")
    client = login(demo["mt_staff"])

    response = client.post(reverse("notify:mark_read", args=[note.pk]), {"open": "1"})

    assert response.status_code == 302 and response["Location"] == "/requests/7/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_someone_elses_is_refused_with_message(demo, login):
    note = _note(demo["te_staff"])
    client = login(demo["mt_staff"])

    response = client.post(reverse("notify:mark_read", args=[note.pk]), follow=True)

    assert response.status_code == 200
    assert b"does not exist or is not yours" in response.content
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_get_not_allowed(demo, login):
    note = _note(demo["mt_staff"])

    response = login(demo["mt_staff"]).get(reverse("notify:mark_read", args=[note.pk]))

    assert response.status_code == 405


def test_mark_all_read_only_touches_own(demo, login):
    _note(demo["mt_staff"])
    _note(demo["mt_staff"])
    other = _note(demo["te_staff"])

    response = login(demo["mt_staff"]).post(
        reverse("notify:mark_all_read"), {"next": "https://evil.example/"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("notify:list")
    assert not Notification.objects.filter(
        recipient=demo["mt_staff"], read_at__isnull=True
    ).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_saved(demo, login):
    client = login(demo["mt_staff"])

    page = client.get(reverse("notify:preferences"))
    response = client.post(reverse("notify:preferences"), {"department_chat": "on"})

    assert page.status_code == 200
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=demo["mt_staff"])
    assert (preference.email, preference.personal_chat, preference.department_chat) == (
        False,
        False,
        True,
    )


def test_base_page_has_bell_and_settings_link(demo, login):
    response = login(demo["mt_staff"]).get(reverse("notify:list"))

    assert reverse("notify:bell").encode() in response.content
    assert reverse("notify:preferences").encode() in response.content
