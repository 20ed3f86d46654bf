from django.urls import path

from goals.views import goals as views

urlpatterns = [
    path("goals/", views.goal_list, name="goal-list"),
    path("goals/new/", views.goal_create, name="goal-create"),
    path("goals/<int:goal_id>/", views.goal_detail, name="goal-detail"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path(
        "goals/<int:goal_id>/key-results/new/",
        views.key_result_create,
        name="key-result-create",
    ),
    path(
        "goals/key-results/<int:key_result_id>/check-ins/",
        views.check_in_create,
        name="check-in-create",
    ),
]
