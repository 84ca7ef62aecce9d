import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_with_demo_password_lands_on_my_work(client, demo, demo_password):
    response = client.post(
        reverse("login"), {"username": "mt_staff", "password": demo_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("shell:my_work")
    assert "My work" in response.content.decode()


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error_and_keeps_username(client, demo):
    response = client.post(reverse("login"), {"username": "mt_staff", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct" in body
    assert 'value="mt_staff"' in body


@pytest.mark.django_db
def test_login_locked_out_after_repeated_failures_with_clear_message(client, demo, demo_password):
    for _ in range(5):
        client.post(reverse("login"), {"username": "te_staff", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "te_staff", "password": demo_password})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed log-in attempts" in body
    assert "15 minutes" in body
    # Another account from the same address is not locked.
    ok = client.post(reverse("login"), {"username": "pd_staff", "password": demo_password})
    assert ok.status_code == 302


@pytest.mark.django_db
def test_pages_require_login_and_redirect_to_login(client):
    for url in ["/", "/requests/", "/tasks/", "/problems/", "/meetings/", "/ledgers/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.django_db
def test_password_change_requires_old_password_and_keeps_session(login, demo, demo_password):
    client = login(demo["hr_staff"])
    bad = client.post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Sh1ny-new-pass",
            "new_password2": "Sh1ny-new-pass",
        },
    )
    assert bad.status_code == 200
    assert "old password was entered incorrectly" in bad.content.decode()
    good = client.post(
        reverse("password_change"),
        {
            "old_password": demo_password,
            "new_password1": "Sh1ny-new-pass",
            "new_password2": "Sh1ny-new-pass",
        },
    )
    assert good.status_code == 302
    demo["hr_staff"].refresh_from_db()
    assert demo["hr_staff"].check_password("Sh1ny-new-pass")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_logout_is_post_and_ends_session(login, demo):
    client = login(demo["fi_staff"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
