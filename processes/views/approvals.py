"""The approvals inbox: pending exceptions the user may decide, approved or rejected here, and
the requests the user raised ("My requests").

Thin like every screen: the selector finds the requests, the service decides who may decide and
writes. Post/redirect/get throughout: a decision, taken or refused, answers with a redirect to
the inbox, so a refresh never re-submits; a refusal travels in the session to the next page,
which marks the failed row, says why and puts the cursor in its comment box.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from opmodel.errors import DomainError, InvalidInput
from processes import selectors
from processes.services.approvals import approval_decide

INBOX_PAGE_SIZE = 50
# The session key of a refused decision, shown once by the next inbox page.
REFUSAL_KEY = "approvals_refusal"
TABS = {"decide": "To decide", "mine": "My requests"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(required=False, max_length=2000)


@require_safe
def approvals_inbox(request):
    tab = request.GET.get("show", "decide")
    tab = tab if tab in TABS else "decide"
    if tab == "mine":
        requests = selectors.approvals_requested_by(request.user)
    else:
        requests = selectors.approvals_decidable_by(request.user)
    page = Paginator(requests, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    refusal = request.session.pop(REFUSAL_KEY, None)
    context = {
        "page": page,
        "rows": list(page.object_list),
        "tab": tab,
        "tabs": TABS,
        "error": refusal,
        "failed_id": refusal["approval"] if refusal else None,
        "failed_comment": refusal["comment"] if refusal else "",
        "now": timezone.now(),
        "nav": "approvals",
    }
    return render(request, "processes/approvals.html", context)


def _back_to_inbox(request):
    # No #fragment: a page opened at a fragment skips `autofocus` (HTML's rule), and the
    # failed row's comment box is where the cursor must be; focusing it scrolls it into view.
    query = {"page": request.POST["page"]} if request.POST.get("page", "").isdigit() else {}
    return redirect(reverse("approvals") + (f"?{urlencode(query)}" if query else ""))


def _refused(request, approval_id: int, error: DomainError, comment: str):
    request.session[REFUSAL_KEY] = {
        "approval": approval_id,
        "message": error.message,
        "http_status": error.http_status,
        "comment": comment[:2000],
    }
    return _back_to_inbox(request)


@require_POST
def approval_decide_view(request, approval_id: int):
    approval = selectors.approvals_visible_to(request.user).filter(pk=approval_id).first()
    if approval is None:
        raise Http404("No such approval request.")
    form = DecisionForm(request.POST)
    comment = request.POST.get("comment", "")
    if not form.is_valid():
        error = DomainError("Choose approve or reject; keep the comment under 2000 characters.")
        return _refused(request, approval_id, error, comment)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        approval_decide(
            actor=request.user,
            approval=approval,
            approve=approve,
            comment=form.cleaned_data["comment"],
        )
    except InvalidInput as exc:
        error = DomainError(" ".join(m for msgs in exc.errors.values() for m in msgs))
        return _refused(request, approval_id, error, comment)
    except DomainError as exc:
        return _refused(request, approval_id, exc, comment)
    verb = "Approved" if approve else "Rejected"
    messages.success(request, f"{verb}: {approval.name} on #{approval.card_id}.")
    return _back_to_inbox(request)
