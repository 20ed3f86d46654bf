"""The API docs page (Swagger UI) under the site's Content-Security-Policy.

drf-spectacular's split view serves the start-up script as a file instead of inline; the page's
template has no inline style either (templates/api/swagger_ui.html). What Swagger UI still needs
beyond the policy is allowed for this page only: its stylesheet draws icons as data: images.
"""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated


def api_docs_view():
    view = SpectacularSwaggerSplitView.as_view(
        url_name="api-schema",
        permission_classes=[IsAuthenticated],
        template_name="api/swagger_ui.html",
    )
    return csp_update({"img-src": ["data:"]})(view)
