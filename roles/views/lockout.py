"""What a person locked out by django-axes is told: why, for how long, and the way back.

Axes counts failed logins per username and per address (settings: AXES_*); past the limit it
refuses even the right password until the cool-off has passed, or an administrator runs
`manage.py axes_reset_username <name>` (or `axes_reset_ip <address>`, or deletes the access
attempt in the admin).
"""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return (
        "Too many failed logins for this account or from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
        "or ask an administrator to unlock the account."
    )


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page for a browser, JSON for the API, 429 with Retry-After."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": lockout_message(), "retry_after": int(retry_after)}, status=429
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": lockout_message(), "minutes": lockout_minutes()},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response
