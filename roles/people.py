"""People who appear in history are deactivated, never deleted.

Deleting a user would set the history's references to them to NULL (who moved a card, who asked
for and who decided an exception): the record would be rewritten. The apps that keep history
say where it names people (`register_history_source`, from their AppConfig.ready(): roles sits
below them and imports none of them); the user admin and a pre_delete guard ask here.
"""

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete

# Each source takes user ids and answers those of them that its history names.
HistorySource = Callable[[list[int]], set[int]]
_sources: list[HistorySource] = []

DEACTIVATE_INSTEAD = (
    "People who appear in the history are not deleted: that would erase who did what. "
    "Deactivate them instead (untick Active, or the action Deactivate): they can no longer "
    "log in, and the history keeps their name."
)


def register_history_source(source: HistorySource) -> None:
    if source not in _sources:
        _sources.append(source)


def history_fields(app_label: str, fields: list[tuple[str, str]]) -> HistorySource:
    """A source naming the users that the (model, field) pairs of an app point at (a foreign key
    or a many-to-many field)."""

    def source(user_ids: list[int]) -> set[int]:
        from django.apps import apps

        found: set[int] = set()
        for model_name, field in fields:
            model = apps.get_model(app_label, model_name)
            found |= set(
                model.objects.filter(**{f"{field}__in": user_ids})
                .values_list(field, flat=True)
                .distinct()
            )
        return found

    return source


def people_in_history(user_ids: Iterable[int]) -> set[int]:
    ids = [pk for pk in user_ids if pk is not None]
    found: set[int] = set()
    for source in _sources:
        if not ids:
            break
        found |= source(ids)
    return found


class PersonInHistory(ProtectedError):
    def __init__(self, users):
        names = ", ".join(sorted(u.get_username() for u in users))
        super().__init__(f"{names}: {DEACTIVATE_INSTEAD}", set(users))


def _refuse_deleting_people_in_history(sender, instance, **kwargs):
    # Also for deletes outside the admin (a shell, a script): the last line of defence.
    if people_in_history([instance.pk]):
        raise PersonInHistory([instance])


def connect() -> None:
    pre_delete.connect(
        _refuse_deleting_people_in_history,
        sender=get_user_model(),
        dispatch_uid="opmodel-people-in-history",
    )
