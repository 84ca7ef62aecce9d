import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api(db):
    """An API client authenticated with the person's own token (as integrations are)."""

    def _client(user, **headers):
        token, _created = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", **headers)
        return client

    return _client


@pytest.fixture
def anonymous_api():
    return APIClient()


def etag_of(client, pk) -> str:
    response = client.get(f"/api/v1/requests/{pk}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def post_action(client, pk, name, body=None, *, etag=None):
    """POST a transition with the current ETag unless one is given."""
    etag = etag or etag_of(client, pk)
    return client.post(
        f"/api/v1/requests/{pk}/{name}/", body or {}, format="json", HTTP_IF_MATCH=etag
    )
