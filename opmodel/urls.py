from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/auth/", include("roles.api.auth_urls")),
    path("api/", include("notifications.api.urls")),
    path("api/", include("metrics.api.urls")),
    # Before processes: stock extends the card's item endpoints (issue 23, point 8).
    path("api/", include("stock.api.urls")),
    path("api/", include("finance.api.urls")),
    path("api/", include("service.api.urls")),
    path("api/", include("processes.api.urls")),
    path("api/", include("goals.api.urls")),
    path("api/", include("reviews.api.urls")),
    path("api/", include("flow.api.urls")),
    path("", include("notifications.urls")),
    path("", include("metrics.urls")),
    path("", include("processes.urls")),
    path("", include("goals.urls")),
    path("", include("reviews.urls")),
    path("", include("flow.urls")),
    path("", include("stock.urls")),
    path("", include("finance.urls")),
    path("", include("sales.urls")),
    path("", include("service.urls")),
    path("", include("designer.urls")),
]

handler400 = "opmodel.views.bad_request"
handler404 = "opmodel.views.page_not_found"
handler500 = "opmodel.views.server_error"
