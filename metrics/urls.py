from django.urls import path

from metrics import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
    path("risks/", views.risks, name="risks"),
    path("health/", views.health, name="health"),
    path("dashboards/weekly/", views.weekly_dashboard, name="weekly-dashboard"),
    path("dashboards/weekly/cards/", views.weekly_cards, name="weekly-cards"),
    path("dashboards/weekly/csv/<slug:table>/", views.weekly_csv, name="weekly-csv"),
]
