"""The project's documents point at what exists: every repository path the README (and the
design and benchmark notes) names is there, docs/design.md defines each metric the dashboard
defines, and nothing points to a design document outside the repository."""

import re
from pathlib import Path

import pytest

from metrics.flow import DEFINITIONS

ROOT = Path(__file__).resolve().parent.parent
# Top-level folders of the repository: a backticked path starting with one of these is a path
# in the repository ("metrics/flow/sql.py", "bench/results/*.json"); others are URLs, settings
# values or names relative to a row of a table ("services/", "20/minute", "var/worker.log").
FOLDERS = {"opmodel", "tests", "bench", "scripts", "docs", "templates", "static", ".ci"} | {
    path.parent.name for path in ROOT.glob("*/apps.py")
}


def _repository_paths(text: str) -> list[str]:
    paths = []
    for token in re.findall(r"`([^`\s]+)`", text):
        if "<" in token or "://" in token:
            continue  # a placeholder ("tests/<app>/") or an address
        if token.split("/")[0] in FOLDERS and "/" in token:
            paths.append(token)
    return paths


def _missing(text: str, root: Path) -> list[str]:
    return [path for path in _repository_paths(text) if not list(root.glob(path.rstrip("/")))]


def test_every_path_the_readme_names_exists():
    paths = _repository_paths((ROOT / "README.md").read_text())
    assert len(paths) > 40  # the check reads the README's paths at all
    assert _missing((ROOT / "README.md").read_text(), ROOT) == []


@pytest.mark.parametrize("document", ["docs/design.md", "bench/README.md"])
def test_every_path_the_other_documents_name_exists(document):
    assert _missing((ROOT / document).read_text(), ROOT) == []


def test_the_check_reports_a_path_that_is_gone(tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "views.py").write_text("")
    text = "See `metrics/views.py`, `metrics/selectors.py`, `/api/me/` and `services/`."
    assert _missing(text, tmp_path) == ["metrics/selectors.py"]


def test_the_design_document_defines_each_metric_of_the_dashboard():
    design = (ROOT / "docs" / "design.md").read_text()
    section = design.split("## Metric definitions", 1)[1].split("\n## ", 1)[0]
    for name, _ in DEFINITIONS:
        first = name.split(" / ")[0]
        assert f"**{first}" in section, name


def test_nothing_points_to_a_design_document_outside_the_repository():
    old = "DESIGN" + ".md"
    cited = [
        path.relative_to(ROOT).as_posix()
        for pattern in ("*.md", "*/**/*.py", "*/**/*.md", "*/**/*.html")
        for path in ROOT.glob(pattern)
        if ".venv" not in path.parts and old in path.read_text(errors="replace")
    ]
    assert cited == []
