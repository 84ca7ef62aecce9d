import pytest

from collab.org.demo import DEMO_PASSWORD, seed_organisation


@pytest.fixture
def demo(db):
    """The demo organisation: a dict of users by user name (mt_staff, te_head, leader1…)."""
    return seed_organisation()


@pytest.fixture
def login(client):
    """Log the test client in as a demo user by name; returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def demo_password():
    return DEMO_PASSWORD
