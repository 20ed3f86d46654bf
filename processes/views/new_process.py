"""The "New process" page: start a process from a template (processes/process_templates.py) or
as a copy of one the person holds a role in, under a new slug and name. For superusers and
people accountable in some process (processes.permissions.may_create_process), as the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from processes.blueprints import DocumentInvalid, process_document, process_from_document
from processes.permissions import may_create_process
from processes.process_templates import PROCESS_TEMPLATES, process_templates
from processes.selectors import processes_visible_to


class NewProcessForm(forms.Form):
    source = forms.ChoiceField(label="Start from")
    slug = forms.SlugField(max_length=50, label="Slug (in addresses and the API)")
    name = forms.CharField(max_length=120)

    def __init__(self, *args, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.processes = {p.slug: p for p in processes}
        self.fields["source"].choices = [
            ("Templates", [(f"template:{t.slug}", t.name) for t in process_templates()]),
            ("A copy of", [(f"process:{p.slug}", p.name) for p in processes]),
        ]


@login_required
@require_http_methods(["GET", "POST"])
def process_new(request):
    if not may_create_process(request.user):
        raise PermissionDenied("Only a superuser or the accountable of a process creates one.")
    processes = list(processes_visible_to(request.user).order_by("name"))
    form = NewProcessForm(request.POST or None, processes=processes)
    if request.method == "POST" and form.is_valid():
        kind, _, key = form.cleaned_data["source"].partition(":")
        if kind == "template":
            template = PROCESS_TEMPLATES[key]
            document, words = template.document(), f"Created from the template {template.name}."
        else:
            original = form.processes[key]
            document, words = process_document(original), f"Cloned from {original.name}."
        try:
            process = process_from_document(
                document,
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                by=request.user,
                words=words,
            )
        except DocumentInvalid as invalid:
            for problem in invalid.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, f"Process {process.name} created.")
            return redirect("process-rules", slug=process.slug)
    return render(
        request,
        "processes/process_new.html",
        {"form": form, "templates": process_templates(), "nav": "processes"},
    )
