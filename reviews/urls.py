from django.urls import path

from reviews.views import decisions, reviews

urlpatterns = [
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/open/", reviews.review_open, name="review-open"),
    path("reviews/<int:review_id>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:review_id>/decisions/", reviews.review_decide, name="review-decide"),
    path("reviews/<int:review_id>/notes/", reviews.review_notes, name="review-notes"),
    path("reviews/<int:review_id>/close/", reviews.review_close, name="review-close"),
    path("decisions/", decisions.decision_list, name="decision-list"),
    path("decisions/<int:decision_id>/done/", decisions.decision_mark_done, name="decision-done"),
    path(
        "decisions/<int:decision_id>/drop/", decisions.decision_mark_dropped, name="decision-drop"
    ),
    path("model-health/", decisions.model_health_page, name="model-health"),
]
