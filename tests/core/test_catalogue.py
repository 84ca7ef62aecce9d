"""The Simplified Chinese catalogue is complete and in step with the source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORED = {".venv", "var", ".git", "node_modules", "static", ".pytest_cache", ".ruff_cache"}


def _entries(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}


def test_chinese_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = _entries(PO).values()
    untranslated = [
        e.msgid
        for e in entries
        if (e.msgid_plural and not e.msgstr_plural.get(0)) or (not e.msgid_plural and not e.msgstr)
    ]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [] and fuzzy == []


def test_chinese_catalogue_keeps_placeholders():
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    for entry in _entries(PO).values():
        translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(translated)), (
            entry.msgid
        )


def test_chinese_catalogue_covers_every_marked_string(tmp_path):
    """Extract the strings afresh from a copy of the source and compare message ids."""
    if shutil.which("xgettext") is None:
        pytest.fail(
            "The catalogue drift check needs GNU gettext: `apt-get install gettext` "
            "(make test installs it when run as root).",
            pytrace=False,
        )
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, ignore=lambda d, names: [n for n in names if n in IGNORED and Path(d) == ROOT]
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="collab.settings.test")
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=tests/*",
            "--ignore=bench/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = set(_entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    ours = set(_entries(PO))
    missing = sorted(fresh - ours)
    assert missing == [], f"Run `make messages-extract` and translate: {missing[:20]}"


def test_chinese_catalogue_passes_msgfmt_check():
    """GNU msgfmt is stricter than the Python reader: header, format strings, syntax."""
    if shutil.which("msgfmt") is None:
        pytest.fail(
            "The catalogue check needs GNU gettext: `apt-get install gettext`.", pytrace=False
        )
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(PO)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
