"""The floors of the code base, read from the source: the base (collab's core, org,
workdays, notify) imports no app and nothing of the roof; the apps import the base and
never the roof; the roof (API, KPIs, the shell pages, the URL map) imports anything.
No two packages import each other, and no module hides an import of the project inside
a function (the one place Django wants late imports is an AppConfig's ready())."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = {"collab.core", "collab.org", "collab.workdays", "collab.notify", "collab.settings"}
APPS = {"requests_app", "tasks_app", "issues_app", "archive_app"}
ROOF = {"collab.api", "collab.kpi", "collab.shell", "collab.urls"}
# The process entry points: they wire the floors together and are imported by no one.
ENTRY = {"collab", "collab.celery", "collab.schedule", "collab.wsgi", "collab.asgi"}
PROJECT = ("collab", *sorted(APPS))


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "collab" and len(parts) > 1 else parts[0]


def _floor(package: str) -> str:
    for name, members in (("base", BASE), ("apps", APPS), ("roof", ROOF), ("entry", ENTRY)):
        if package in members:
            return name
    raise AssertionError(f"{package} belongs to no floor; add it to one in this test")


def _modules():
    for top in PROJECT:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            yield path, ".".join(parts), is_package


def _target(node, module: str, is_package: bool) -> str | None:
    if isinstance(node, ast.Import):
        return node.names[0].name
    if not node.level:
        return node.module
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports():
    """(importing module, imported module, where, inside a function other than ready)."""
    for path, module, is_package in _modules():
        tree = ast.parse(path.read_text(), str(path))
        late = set()
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                if func.name == "ready" and path.name == "apps.py":
                    continue
                late.update(
                    id(n) for n in ast.walk(func) if isinstance(n, ast.Import | ast.ImportFrom)
                )
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                target = _target(node, module, is_package)
                if target and target.split(".")[0] in PROJECT:
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    yield module, target, where, id(node) in late


IMPORTS = list(_imports())


def test_every_package_is_on_a_floor():
    for module, target, _where, _late in IMPORTS:
        _floor(_package(module))
        _floor(_package(target))


@pytest.mark.parametrize(
    ("floor", "forbidden"),
    [("base", {"apps", "roof", "entry"}), ("apps", {"roof", "entry"}), ("roof", {"entry"})],
)
def test_imports_only_go_down(floor, forbidden):
    wrong = [
        f"{where}: {module} imports {target}"
        for module, target, where, _late in IMPORTS
        if _floor(_package(module)) == floor and _floor(_package(target)) in forbidden
    ]
    assert not wrong, "\n".join(wrong)


def test_no_two_packages_import_each_other():
    edges = defaultdict(set)
    for module, target, _where, _late in IMPORTS:
        a, b = _package(module), _package(target)
        if a != b:
            edges[a].add(b)
    cycles = sorted(
        {
            tuple(sorted((a, b)))
            for a, targets in edges.items()
            for b in targets
            if a in edges.get(b, ())
        }
    )
    assert not cycles, cycles


def test_no_project_import_hides_inside_a_function():
    late = [f"{where}: {target}" for _module, target, where, is_late in IMPORTS if is_late]
    assert not late, "\n".join(late)
