from django.urls import path

from notifications.views import notifications as views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
]
