from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture
def test_templates(settings):
    """Adds tests/notify/templates so that notifications can use test-only templates."""
    templates = [dict(t) for t in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], HERE / "templates"]
    settings.TEMPLATES = templates
