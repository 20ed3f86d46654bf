"""Imports run one way (DESIGN.md section 5): opmodel <- roles <- processes <- metrics <- the
apps above them (goals, reviews, ...), and notifications, usable by all, imports no feature app.

Every module of each app is parsed with `ast` (no import runs), so the test reads what the code
says, including imports inside functions. `opmodel` is the project: its urls.py, celery.py and
settings name every app by design, so it is checked only outside those three modules.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The chain, lowest first: an app may import those before it, never those after it.
CHAIN = ["opmodel", "roles", "processes", "metrics"]
# The project's modules that wire every app together.
PROJECT_WIRING = {"opmodel/urls.py", "opmodel/celery.py", "opmodel/settings.py"}
# Apps no app below them may import, besides the chain: the operating-model layer and later
# apps sit above metrics (any top-level package with an apps.py not listed here counts).
USABLE_BY_ALL = {"notifications"}
# Apps above metrics that build on a sibling: reviews reads goals' key results and states.
SIBLINGS = {"reviews": {"goals"}}


def _apps() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if not path.parent.name.startswith((".", "tests"))
    )


def _allowed(app: str) -> set[str]:
    """The apps `app` may import (besides itself and third-party code)."""
    if app == "notifications":
        return {"opmodel"}
    if app in CHAIN:
        return set(CHAIN[: CHAIN.index(app)]) | USABLE_BY_ALL
    # Above metrics: the whole chain, notifications, and only the siblings named above.
    return set(CHAIN) | USABLE_BY_ALL | SIBLINGS.get(app, set())


def _imported_apps(path: Path, apps: set[str]) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in apps:
                found.add((top, node.lineno))
    return found


def _violations(root: Path) -> list[str]:
    apps = set(_apps()) | {"opmodel"}
    wrong = []
    for app in sorted(apps):
        allowed = _allowed(app) | {app}
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in PROJECT_WIRING or "/migrations/" in relative:
                continue
            for imported, line in sorted(_imported_apps(path, apps)):
                if imported not in allowed:
                    wrong.append(f"{relative}:{line} imports {imported}")
    return wrong


def test_imports_run_one_way():
    assert _violations(ROOT) == []


def test_every_app_is_known():
    """A new app is either in the chain, usable by all, or above metrics: say which."""
    assert set(CHAIN[1:]) | USABLE_BY_ALL <= set(_apps())


@pytest.mark.parametrize(
    "app, source, expected",
    [
        ("processes", "from metrics.models import Alert\n", ["processes/bad.py:1 imports metrics"]),
        ("roles", "import processes.models\n", ["roles/bad.py:1 imports processes"]),
        (
            "notifications",
            "def f():\n    from roles import models\n",
            ["notifications/bad.py:2 imports roles"],
        ),
        ("metrics", "from processes import models\nfrom notifications import services\n", []),
    ],
)
def test_the_check_catches_an_import_up_the_chain(tmp_path, app, source, expected):
    for name in _apps() + ["opmodel"]:
        (tmp_path / name).mkdir()
    (tmp_path / app / "bad.py").write_text(source)
    assert _violations(tmp_path) == expected
