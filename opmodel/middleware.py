from django.contrib.auth.middleware import LoginRequiredMiddleware


class LoginRequiredExceptApi(LoginRequiredMiddleware):
    """Every page needs a login. The API is left to DRF, which authenticates tokens as well as
    sessions and answers 401/403 instead of redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
