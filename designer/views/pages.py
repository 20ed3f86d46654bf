"""The designer's pages (login required; the owner, the accountable and staff; 404 for a person
without a role in the process, 403 for a role holder who may not change its rules). Thin: the
form reads the input, designer/services.py applies and checks the change, the page shows the
designed map beside the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from designer.kinds import KINDS, Kind
from designer.map_chart import designed_map_svg
from designer.selectors import process_to_design
from designer.services import DesignConflict, design_change, design_version
from processes.blueprints import DocumentInvalid, process_document
from processes.conditions import CONDITIONS
from processes.effects import EFFECTS
from processes.models import DefinitionVersion

HISTORY_SHOWN = 10


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise Http404("The designer edits no such rows.")
    return KINDS[kind]


def _seen_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _context(process, **extra) -> dict:
    document = process_document(process)
    return {
        "nav": "processes",
        "process": process,
        "version": design_version(process),
        "map": designed_map_svg(document),
        "kinds": KINDS,
        **extra,
    }


def _saved(request, process, version) -> None:
    if version is None:
        messages.info(request, "Nothing changed.")
    else:
        messages.success(
            request, f"Saved as version {version.number}: " + "; ".join(version.changes)
        )


def _apply(request, process, change) -> tuple[object, int, list[str]]:
    """Run `change` through the designer's service: (the version or None, the HTTP status,
    the problems in words)."""
    seen = _seen_version(request)
    if seen is None:
        return None, 400, ["The page's version number is missing: reload the page."]
    try:
        version = design_change(process=process, by=request.user, seen_version=seen, change=change)
    except DesignConflict as conflict:
        return None, 409, [conflict.message]
    except DocumentInvalid as invalid:
        return None, 400, invalid.problems
    return version, 200, []


@login_required
@require_safe
def design_home(request, slug: str):
    process = process_to_design(request.user, slug)
    rows = {key.replace("-", "_"): kind.rows(process) for key, kind in KINDS.items()}
    for move in rows["transitions"]:  # people read labels; the form takes the names
        move.condition_labels = [
            CONDITIONS[n].label if n in CONDITIONS else n for n in move.conditions
        ]
        move.effect_labels = [EFFECTS[n].label if n in EFFECTS else n for n in move.effects]
    versions = list(
        DefinitionVersion.objects.filter(process=process)
        .select_related("by")
        .order_by("-number")[:HISTORY_SHOWN]
    )
    return render(request, "designer/design.html", _context(process, rows=rows, versions=versions))


@login_required
@require_http_methods(["GET", "POST"])
def design_edit(request, slug: str, kind: str, pk: int | None = None):
    process = process_to_design(request.user, slug)
    spec = _kind(kind)
    instance = get_object_or_404(spec.model, process=process, pk=pk) if pk else None
    form = spec.form(request.POST or None, instance=instance, process=process)
    status, problems = 200, []
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            creating = form.instance.pk is None
            version, status, problems = _apply(request, process, form.save)
            if status == 200:
                _saved(request, process, version)
                return redirect("design-process", slug=process.slug)
            if creating:  # rolled back: the row was never written
                form.instance.pk = None
    return _edit_page(request, process, spec, form, instance, problems=problems, status=status)


def _edit_page(request, process, spec: Kind, form, instance, *, problems, status: int):
    """A row's page, new or existing: the form again with what refused it (a POST shows the
    version the person saw, so that a conflict is not resubmitted unseen)."""
    return render(
        request,
        "designer/edit.html",
        _context(
            process,
            kind=spec,
            form=form,
            instance=instance,
            title=spec.describe(instance) if instance else "",
            seen=_seen_version(request) if request.method == "POST" else None,
            problems=problems,
        ),
        status=status,
    )


@login_required
@require_POST
def design_delete(request, slug: str, kind: str, pk: int):
    process = process_to_design(request.user, slug)
    spec = _kind(kind)
    instance = get_object_or_404(spec.model, process=process, pk=pk)
    form = spec.form(instance=instance, process=process)
    version, status, problems = _apply(request, process, instance.delete)
    if status == 200:
        _saved(request, process, version)
        return redirect("design-process", slug=process.slug)
    instance = get_object_or_404(spec.model, process=process, pk=pk)
    return _edit_page(request, process, spec, form, instance, problems=problems, status=status)
