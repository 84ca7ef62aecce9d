"""One error shape for everything that can go wrong, in the request's language."""

import pytest

from ..requests_app.factories import make_request
from .conftest import etag_of

pytestmark = pytest.mark.django_db


def test_missing_credentials_is_401_with_challenge(anonymous_api):
    response = anonymous_api.get("/api/v1/requests/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_wrong_token_is_401(anonymous_api, demo):
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anonymous_api.get("/api/v1/departments/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_malformed_json_is_400(demo, api):
    response = api(demo["mt_staff"]).generic(
        "POST", "/api/v1/requests/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_form_encoded_body_is_415(demo, api):
    response = api(demo["mt_staff"]).post("/api/v1/requests/", {"title": "x"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_body_that_is_not_an_object_is_400(demo, api):
    request = make_request(demo, stage="awaiting_confirmation")
    client = api(demo["te_liaison"])
    response = client.post(
        f"/api/v1/requests/{request.pk}/confirm/",
        [1, 2],
        format="json",
        HTTP_IF_MATCH=etag_of(client, request.pk),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_unknown_api_path_is_json_404(demo, api):
    response = api(demo["mt_staff"]).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api(demo["mt_staff"]).get("/api/v1/requests/99999999999999999999999/").status_code == 404


def test_method_not_allowed_is_json(demo, api):
    response = api(demo["mt_staff"]).delete("/api/v1/departments/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_message_follows_accept_language(anonymous_api):
    english = anonymous_api.get("/api/v1/requests/").json()["error"]
    chinese = anonymous_api.get("/api/v1/requests/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]
    assert english["code"] == chinese["code"] == "not_authenticated"
    assert english["message"] == "Authentication credentials were not provided."
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["message"])
