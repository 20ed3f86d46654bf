"""The notifications page, the notification settings and the health page.

Thin: parse, call a selector or a service, render. A user only ever reaches their own
notifications (the queries are scoped to them): anyone else's answers 404.
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from metrics import selectors, services
from metrics.forms import NotificationSettingsForm
from metrics.health import OK, health_report
from metrics.models import Notification

NOTIFICATIONS_PAGE_SIZE = 50


@require_safe
def notifications(request):
    paginator = Paginator(selectors.notifications_inbox(user=request.user), NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": list(page.object_list),
        "nav": "notifications",
    }
    return render(request, "metrics/notifications.html", context)


@require_POST
def notification_read(request, notification_id: int):
    try:
        services.notification_mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification.") from exc
    return redirect("notifications")


@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} alert{'s' if count != 1 else ''} marked read.")
    return redirect("notifications")


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["email_enabled"]
            services.notification_preference_set(user=request.user, email_enabled=enabled)
            messages.success(
                request, "Alerts will also come by e-mail." if enabled else "Alert e-mails are off."
            )
            return redirect("notification-settings")
    else:
        enabled = selectors.notification_email_enabled(user=request.user)
        form = NotificationSettingsForm(initial={"email_enabled": enabled})
    return render(
        request, "metrics/notification_settings.html", {"form": form, "nav": "notifications"}
    )


# ---------------------------------------------------------------------------------------------
# Health


def _health_token_given(request) -> bool:
    expected = settings.OPMODEL_HEALTH_TOKEN
    if not expected:
        return False
    header = request.headers.get("Authorization", "")
    given = header[len("Bearer ") :] if header.startswith("Bearer ") else request.GET.get("token")
    return bool(given) and secrets.compare_digest(given.encode(), expected.encode())


@login_not_required  # an operator's probe has no session: login or the token, checked below
@never_cache
@require_safe
def health(request):
    wants_html = request.get_preferred_type(["application/json", "text/html"]) == "text/html"
    if not _health_token_given(request):
        try:
            signed_in = request.user.is_authenticated
        except DatabaseError:
            # Sessions live in the database: with it down nobody can sign in, and saying so
            # tells an outsider no more than the error page would.
            return JsonResponse(
                {"status": "down", "components": {"database": {"status": "down"}}}, status=503
            )
        if not signed_in:
            if wants_html:
                return redirect_to_login(request.get_full_path())
            return JsonResponse(
                {"detail": "Log in, or send the health token as Authorization: Bearer <token>."},
                status=401,
            )
    report = health_report(now=timezone.now())
    code = 200 if report["status"] == OK else 503
    if wants_html:
        return render(request, "metrics/health.html", {"report": report}, status=code)
    return JsonResponse(report, status=code)
