"""Project-wide request guards: login for every page, and hostile input refused at the door."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from opmodel.uploads import UploadTooLarge

NUL = "\x00"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class LoginRequiredExceptApi(LoginRequiredMiddleware):
    """Every page needs a login. The API is left to DRF, which authenticates tokens as well as
    sessions and answers 401/403 instead of redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RefuseNulBytes:
    """A NUL byte in the path, the query string or a form value is never meaningful here, and
    PostgreSQL refuses it in text with an error (a 500): answer 400 before any view or query.

    JSON bodies are not scanned here: DRF's CharField already refuses NUL in a string.
    """

    MESSAGE = "The request contains a NUL byte (%00), which no address or field here accepts."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if is_api(request):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponse(self.MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if NUL in request.path_info or NUL in request.path:
            return True
        if _query_has_nul(request.GET):
            return True
        if request.method == "POST" and request.content_type == FORM_CONTENT_TYPE:
            return _query_has_nul(request.POST)
        return False


def _query_has_nul(query) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


class RefuseRepeatedApiParameters:
    """No API query parameter is a list: one given twice (`?blocked=1&blocked=0`) is ambiguous,
    and the API would silently use the last. Answer 400 naming it, as for any bad value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request):
            repeated = sorted(key for key, values in request.GET.lists() if len(values) > 1)
            if repeated:
                return JsonResponse(
                    {key: ["This parameter may be given only once."] for key in repeated},
                    status=400,
                )
        return self.get_response(request)


class UploadLimit:
    """Reads a page's multipart body here, before any view, so that an upload past the limit is
    refused with 413 and the reason (opmodel/uploads.py stops reading it).

    Not the API's: it takes no upload, and a body read here is gone for DRF, which then sees
    no body at all instead of answering a type it does not take with 415."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        multipart = request.method == "POST" and request.content_type == "multipart/form-data"
        if multipart and not is_api(request):
            try:
                request.POST  # noqa: B018 (parses the body through the upload handlers)
            except UploadTooLarge as exc:
                return render(request, "413.html", {"message": str(exc)}, status=413)
        return self.get_response(request)
