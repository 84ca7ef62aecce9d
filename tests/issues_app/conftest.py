import pytest

from collab.workdays import calendar


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test reads the working-day calendar from its own database state."""
    calendar.invalidate()
    yield
    calendar.invalidate()
