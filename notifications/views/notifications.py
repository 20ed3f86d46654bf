"""The notifications page and the notification settings.

Thin: parse, call a selector or a service, render. A user only ever reaches their own
notifications (the queries are scoped to them): anyone else's answers 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from notifications import selectors, services
from notifications.forms import NotificationSettingsForm
from notifications.models import Notification
from opmodel.formatting import times_note

NOTIFICATIONS_PAGE_SIZE = 50


@require_safe
def notifications(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.KIND_FILTERS else ""
    unread = request.GET.get("unread") == "1"
    lines = selectors.notifications_inbox(user=request.user, kind=kind, unread=unread)
    paginator = Paginator(lines, NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    now = timezone.now()
    zone = _page_zone(rows)
    context = {
        "page": page,
        "rows": rows,
        "zone": zone,
        "times_note": times_note({zone: ()}, now) if rows else "",
        "kind": kind,
        "unread_only": unread,
        "kinds": [("", "All")] + [(k, label) for k, (label, _) in selectors.KIND_FILTERS.items()],
        "nav": "notifications",
        "now": now,
    }
    return render(request, "notifications/notifications.html", context)


def _page_zone(rows) -> str:
    """The zone the page writes its times in, named once: the one its notifications were
    written in (their process's, recorded by the sender), else UTC (several zones, or none
    recorded: the page may not ask processes for it)."""
    zones = {n.zone for n in rows if n.zone}
    return zones.pop() if len(zones) == 1 else "UTC"


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
        request, "notifications/notification_settings.html", {"form": form, "nav": "notifications"}
    )
