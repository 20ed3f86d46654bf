"""The approvals inbox: pending exceptions the user may decide, approved or rejected here.

Thin like every screen: the selector finds the requests, the service decides who may decide and
writes; a refusal re-renders the inbox with the reason and its status code.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from processes import selectors
from processes.errors import CardActionError, InvalidInput
from processes.services.approvals import approval_decide

INBOX_PAGE_SIZE = 50


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(required=False, max_length=2000)


def _render_inbox(request, *, status: int = 200, error=None, failed_id=None):
    paginator = Paginator(selectors.approvals_decidable_by(request.user), INBOX_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": list(page.object_list),
        "error": error,
        "failed_id": failed_id,
        "now": timezone.now(),
        "nav": "approvals",
    }
    return render(request, "processes/approvals.html", context, status=status)


@require_safe
def approvals_inbox(request):
    return _render_inbox(request)


@require_POST
def approval_decide_view(request, approval_id: int):
    approval = selectors.approvals_visible_to(request.user).filter(pk=approval_id).first()
    if approval is None:
        raise Http404("No such approval request.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        error = CardActionError("Choose approve or reject; keep the comment under 2000 characters.")
        return _render_inbox(request, status=400, error=error, failed_id=approval_id)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        approval_decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except InvalidInput as exc:
        error = CardActionError(" ".join(m for msgs in exc.errors.values() for m in msgs))
        return _render_inbox(request, status=400, error=error, failed_id=approval_id)
    except CardActionError as exc:
        return _render_inbox(request, status=exc.http_status, error=exc, failed_id=approval_id)
    verb = "Approved" if approve else "Rejected"
    messages.success(request, f"{verb}: {approval.rule.name} on #{approval.card_id}.")
    return redirect("approvals")
