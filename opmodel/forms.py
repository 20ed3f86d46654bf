"""A service's refusals on a page's form: the one way every app's views show them."""

from collections.abc import Iterable, Mapping

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from opmodel.errors import Forbidden, InvalidInput


def add_form_errors(form, errors: dict[str, list[str]]) -> None:
    """A service's field errors on the form's fields; the rest above the form."""
    for field, field_errors in errors.items():
        target = field if field in form.fields else None
        for message in field_errors:
            form.add_error(target, message)


def errors_as_messages(request, errors: Mapping[str, Iterable[str]]) -> None:
    """Field errors said at the top of the page a panel's form redirects back to (a card page's
    payment, stock or complaint form): "field: words", one message each."""
    for field, field_errors in errors.items():
        for error in field_errors:
            messages.error(request, f"{field}: {error}")


class service_errors:  # noqa: N801 (read as a function: `with service_errors(form) as call`)
    """Call a service for a bound form.

        with service_errors(form) as call:
            goal = services.goal_create(...)
        if call.ok:
            return redirect(...)

    Field errors (`InvalidInput`) land on the form and `call.ok` turns false; a role that may not
    act (`Forbidden`) is the 403 page; any other refusal goes on up to the view.
    """

    def __init__(self, form):
        self.form = form
        self.ok = True

    def __enter__(self) -> "service_errors":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            return False
        if issubclass(exc_type, InvalidInput):
            add_form_errors(self.form, exc.errors)
            self.ok = False
            return True
        if issubclass(exc_type, Forbidden):
            raise PermissionDenied(exc.message) from exc
        return False
