"""Dependencies between apps run one way (docs/design.md, "Architecture"): opmodel <- roles <-
processes <- metrics <- the apps above them (goals, reviews, ...), and notifications, usable by
all, depends on no feature app.

Four kinds of dependency count, each read from the source without running it:
- imports: every module of each app is parsed with `ast`, so imports inside functions count;
- models' relations: a ForeignKey, OneToOneField or ManyToManyField to "app.Model";
- migrations: a dependency on another app's migration, a relation to its model (`to=`), or a
  data migration's `apps.get_model("app", ...)`;
- templates: `{% load library %}` of another app's template tags, a filter or tag that only
  another app defines (loaded or made a built-in of the engine in settings), and `{% include %}`
  or `{% extends %}` of a template under another app's name ("processes/_field.html").

`opmodel` is the project: its urls.py, celery.py and settings.py name every app by design, and
so do the project-wide templates in the top-level templates/ (base.html's navigation links every
app's pages), so those are the wiring and are not checked; but a template in templates/<app>/
belongs to that app. A template an app uses from the
top-level folder ("_pager.html") is a dependency on the project, which every app may have.
"""

import ast
import re
from pathlib import Path

import pytest
from django.template.defaultfilters import register as default_filters
from django.template.defaulttags import register as default_tags

ROOT = Path(__file__).resolve().parent.parent

# The chain, lowest first: an app may depend on those before it, never on those after it.
CHAIN = ["opmodel", "roles", "processes", "metrics"]
# The project's modules that wire every app together.
PROJECT_WIRING = {"opmodel/urls.py", "opmodel/celery.py", "opmodel/settings.py"}
# Apps no app below them may depend on, besides the chain: the operating-model layer and later
# apps sit above metrics (any top-level package with an apps.py not listed here counts).
USABLE_BY_ALL = {"notifications"}
# Apps above metrics that build on a sibling: reviews reads goals' key results and states.
SIBLINGS = {"reviews": {"goals"}}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
REGISTERS = {"filter", "simple_tag", "inclusion_tag", "tag"}
# Names of Django's own filters and tags: a library of ours may reuse one (none does today).
DJANGO_NAMES = set(default_filters.filters) | set(default_tags.tags) | {"static", "load"}
TEMPLATE_TAG = re.compile(r"{%-?\s*(load|include|extends)\s+(.*?)\s*-?%}", re.S)


def _apps(root: Path = ROOT) -> list[str]:
    return sorted(
        path.parent.name
        for path in root.glob("*/apps.py")
        if not path.parent.name.startswith((".", "tests"))
    )


def _allowed(app: str) -> set[str]:
    """The apps `app` may depend on (besides itself and third-party code)."""
    if app == "notifications":
        return {"opmodel"}
    if app in CHAIN:
        return set(CHAIN[: CHAIN.index(app)]) | USABLE_BY_ALL
    # Above metrics: the whole chain, notifications, and only the siblings named above.
    return set(CHAIN) | USABLE_BY_ALL | SIBLINGS.get(app, set())


def _python_files(root: Path, app: str, migrations: bool):
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative in PROJECT_WIRING or ("/migrations/" in relative) != migrations:
            continue
        yield relative, ast.parse(path.read_text(), filename=relative)


def _app_of_label(label: str, apps: set[str]) -> str | None:
    """ "processes.Process" or "processes" -> "processes"; "auth.Group" -> None."""
    top = label.split(".")[0]
    return top if top in apps else None


def _imports(tree: ast.AST, apps: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if app := _app_of_label(name, apps):
                yield app, node.lineno, f"imports {app}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _relations(tree: ast.AST, apps: set[str]):
    """Relations to another app's model written as "app.Model" (a model class imported from
    another app is an import, counted above)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in RELATIONS:
            targets = node.args[:1] + [k.value for k in node.keywords if k.arg == "to"]
            for target in targets:
                if isinstance(target, ast.Constant) and isinstance(target.value, str):
                    if app := _app_of_label(target.value, apps):
                        yield app, node.lineno, f"has a relation to {target.value}"


def _migration_dependencies(tree: ast.AST, apps: set[str]):
    yield from _relations(tree, apps)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "dependencies" for target in node.targets
        ):
            for item in getattr(node.value, "elts", []):
                first = item.elts[0] if isinstance(item, ast.Tuple) and item.elts else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if app := _app_of_label(first.value, apps):
                        yield app, item.lineno, f"depends on migration {first.value}"
        elif isinstance(node, ast.Call) and _call_name(node) == "get_model" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if app := _app_of_label(first.value, apps):
                    yield app, node.lineno, f"reads the model {first.value}"


def _tag_libraries(root: Path, apps: set[str]) -> dict[str, str]:
    """{library name: the app that defines it}, from each app's templatetags package."""
    return {
        path.stem: app
        for app in apps
        for path in (root / app / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def _registered_names(root: Path, apps: set[str]) -> dict[str, set[str]]:
    """{filter or tag name: the apps whose template libraries define it}, read with `ast`:
    `@register.filter`, `@register.simple_tag`, `@register.filter("name")`, ..."""
    names: dict[str, set[str]] = {}
    for app in apps:
        for path in (root / app / "templatetags").glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.FunctionDef):
                    continue
                for decorator in node.decorator_list:
                    call = decorator if isinstance(decorator, ast.Call) else None
                    target = call.func if call else decorator
                    if getattr(target, "attr", "") not in REGISTERS:
                        continue
                    given = [k.value for k in call.keywords if k.arg == "name"] if call else []
                    if call and call.args and target.attr in {"filter", "simple_tag", "tag"}:
                        given += call.args[:1]
                    name = next((g.value for g in given if isinstance(g, ast.Constant)), node.name)
                    names.setdefault(name, set()).add(app)
    return names


def _used_names(text: str, names: dict[str, set[str]]):
    """Filters and tags a template uses, whether it loads their library or the library is a
    built-in of the template engine (settings' TEMPLATES "builtins"), by the one app defining
    each. A name Django itself defines, or several apps define, says nothing."""
    for match in re.finditer(r"\|\s*(\w+)|{%-?\s*(\w+)", text):
        name = match[1] or match[2]
        owners = names.get(name, set())
        if len(owners) == 1 and name not in DJANGO_NAMES:
            yield next(iter(owners)), text.count("\n", 0, match.start()) + 1, f"uses {name}"


def _template_dependencies(
    text: str, apps: set[str], libraries: dict[str, str], names: dict[str, set[str]]
):
    yield from _used_names(text, names)
    for match in TEMPLATE_TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        tag, argument = match.groups()
        if tag == "load":
            for name in argument.split():
                if name in libraries:
                    yield libraries[name], line, f"loads {name}"
        else:
            quoted = re.match(r"""["']([^"']+)["']""", argument)
            if quoted and "/" in quoted[1]:
                if app := _app_of_label(quoted[1].split("/")[0], apps):
                    yield app, line, f"{tag}s {quoted[1]}"


def _dependencies(root: Path, app: str, apps: set[str]):
    """(relative path, line, the app depended on, how) for every dependency of `app`."""
    for relative, tree in _python_files(root, app, migrations=False):
        for found in [*_imports(tree, apps), *_relations(tree, apps)]:
            yield (relative, *found)
    for relative, tree in _python_files(root, app, migrations=True):
        for found in _migration_dependencies(tree, apps):
            yield (relative, *found)
    libraries = _tag_libraries(root, apps)
    names = _registered_names(root, apps)
    # An app's templates: in the app, or in the project's folder under the app's name.
    folders = [root / app / "templates", root / "templates" / app]
    for path in sorted(p for folder in folders for p in folder.rglob("*")):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            for found in _template_dependencies(path.read_text(), apps, libraries, names):
                yield (relative, *found)


def _violations(root: Path) -> list[str]:
    apps = set(_apps(root)) | {"opmodel"}
    wrong = set()
    for app in sorted(apps):
        allowed = _allowed(app) | {app}
        for relative, other, line, how in _dependencies(root, app, apps):
            if other not in allowed:
                wrong.add((relative, line, f"{relative}:{line} {how}"))
    return [text for _, _, text in sorted(wrong)]


def test_dependencies_run_one_way():
    assert _violations(ROOT) == []


def test_every_app_is_known():
    """A new app is either in the chain, usable by all, or above metrics: say which."""
    assert set(CHAIN[1:]) | USABLE_BY_ALL <= set(_apps())


def _write(root: Path, files: dict[str, str]) -> None:
    for name in ["roles", "processes", "metrics", "goals", "notifications"]:
        (root / name).mkdir()
        (root / name / "apps.py").write_text("")
    (root / "opmodel").mkdir()
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"processes/bad.py": "from metrics.models import Alert\n"},
            ["processes/bad.py:1 imports metrics"],
        ),
        ({"roles/bad.py": "import processes.models\n"}, ["roles/bad.py:1 imports processes"]),
        (
            {"notifications/bad.py": "def f():\n    from roles import models\n"},
            ["notifications/bad.py:2 imports roles"],
        ),
        (
            {"metrics/ok.py": "from processes import models\nfrom notifications import services\n"},
            [],
        ),
        (
            {
                "roles/models/grants.py": (
                    "from django.db import models\n\n"
                    "class Grant(models.Model):\n"
                    '    process = models.ForeignKey("processes.Process", on_delete=None)\n'
                    '    group = models.ForeignKey("auth.Group", on_delete=None)\n'
                )
            },
            ["roles/models/grants.py:4 has a relation to processes.Process"],
        ),
        (
            {
                "roles/migrations/0001_initial.py": (
                    "dependencies = [\n"
                    '    ("auth", "0012_alter_user_first_name_max_length"),\n'
                    '    ("processes", "0001_initial"),\n'
                    "]\n"
                    'field = models.ForeignKey(on_delete=None, to="processes.process")\n'
                    'Model = apps.get_model("metrics", "Alert")\n'
                )
            },
            [
                "roles/migrations/0001_initial.py:3 depends on migration processes",
                "roles/migrations/0001_initial.py:5 has a relation to processes.process",
                "roles/migrations/0001_initial.py:6 reads the model metrics",
            ],
        ),
        (
            {
                "goals/templatetags/goals_tags.py": "",
                "metrics/templates/metrics/weekly.html": (
                    '{% extends "base.html" %}\n{% load static %}\n'
                    '{% include "_pager.html" %}\n{% load static goals_tags %}\n'
                ),
            },
            ["metrics/templates/metrics/weekly.html:4 loads goals_tags"],
        ),
        (
            {
                "notifications/templates/notifications/settings.html": (
                    '{% include "processes/_form_errors.html" with form=form %}\n'
                ),
                "goals/templates/goals/page.html": '{% include "processes/_field.html" %}\n',
            },
            [
                "notifications/templates/notifications/settings.html:1 includes "
                "processes/_form_errors.html"
            ],
        ),
        (
            {
                "processes/templatetags/process_ui.py": (
                    "@register.filter\ndef sla_text(card, now):\n    return ''\n\n"
                    '@register.filter(name="zone")\ndef zone_of(process):\n    return ""\n'
                ),
                "notifications/templates/notifications/inbox.html": (
                    "{{ card|sla_text:now }} {{ n.created_at|date:'c' }}\n{{ p|zone }}\n"
                ),
                "metrics/templates/metrics/risks.html": "{{ card|sla_text:now }}\n",
            },
            [
                "notifications/templates/notifications/inbox.html:1 uses sla_text",
                "notifications/templates/notifications/inbox.html:2 uses zone",
            ],
        ),
    ],
)
def test_the_check_catches_each_kind_of_dependency(tmp_path, files, expected):
    _write(tmp_path, files)
    assert _violations(tmp_path) == expected


# The one layout (docs/design.md, "The layout of an app"): these are packages, never modules.
PACKAGES = ["models", "services", "selectors", "views", "api"]
# Modules that belong inside one of them.
INSIDE = {"serializers.py": "api/", "api_urls.py": "api/urls.py"}


def _layout_faults(root: Path) -> list[str]:
    faults = []
    for app in _apps(root):
        for name in PACKAGES:
            if (root / app / f"{name}.py").exists():
                faults.append(f"{app}/{name}.py is a module: make it the package {app}/{name}/")
        for name, place in INSIDE.items():
            if (root / app / name).exists():
                faults.append(f"{app}/{name} belongs in {app}/{place}")
        if (root / "templates" / app).exists():
            faults.append(f"templates/{app}/ belongs in {app}/templates/{app}/")
    return faults


def test_every_app_has_the_one_layout():
    assert _layout_faults(ROOT) == []


def test_the_layout_check_names_what_is_out_of_place(tmp_path):
    _write(
        tmp_path,
        {
            "goals/services.py": "",
            "goals/serializers.py": "",
            "templates/metrics/weekly.html": "",
            "processes/selectors/__init__.py": "",
        },
    )
    assert _layout_faults(tmp_path) == [
        "goals/services.py is a module: make it the package goals/services/",
        "goals/serializers.py belongs in goals/api/",
        "templates/metrics/ belongs in metrics/templates/metrics/",
    ]
