"""The project's exceptions, raised by every app's services, and the one place that maps them to
HTTP answers (settings' REST_FRAMEWORK["EXCEPTION_HANDLER"]); pages put them on forms with
`opmodel.forms.service_errors`.

Four kinds, named for what the caller did rather than for the app that refuses: an invalid
input (400 with field errors), a refusal that the record's state decides (400), a role that may
not act (403), a concurrent change (409), and a record that is not there (404).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from opmodel.encodable import encodable


class DomainError(Exception):
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def as_data(self) -> dict:
        return {"detail": self.message}


class Refused(DomainError):
    """An action that the record's current state does not allow (block, edit, close...)."""


class Forbidden(DomainError):
    """The user holds no role that may take this action."""

    http_status = 403


class Conflict(DomainError):
    """Someone else changed the record since the user read it."""

    http_status = 409


class NotFound(DomainError):
    http_status = 404


class InvalidInput(DomainError):
    """Field errors found by a service: {field: [message]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("Check the highlighted fields.")
        self.errors = errors

    def as_data(self) -> dict:
        return self.errors

    @classmethod
    def from_django(cls, exc: DjangoValidationError) -> "InvalidInput":
        if hasattr(exc, "error_dict"):
            return cls(
                {
                    field: [str(m) for e in errs for m in e.messages]
                    for field, errs in exc.error_dict.items()
                }
            )
        return cls({"non_field_errors": list(exc.messages)})


def field_errors(errors, names: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A serializer's errors ({field: [message]}) as plain words, flattened as the API's answers
    are (`_flat`), each under the name the client sent it by (`names`: {field: parameter},
    where the two differ)."""
    names = names or {}
    return {names.get(field, field): _flat(msgs) for field, msgs in errors.items()}


def _flat(messages, prefix: str = "") -> list[str]:
    """A list or dict field's errors ({0: [...]}, {"key": [...]}) as the documented flat list of
    words, each led by the item it is about."""
    if isinstance(messages, dict):
        return [m for key, inner in messages.items() for m in _flat(inner, f"{prefix}{key}: ")]
    if isinstance(messages, list | tuple):
        return [m for inner in messages for m in _flat(inner, prefix)]
    return [f"{prefix}{messages}"]


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = InvalidInput.from_django(exc)
    if isinstance(exc, DomainError):
        return Response(encodable(exc.as_data()), status=exc.http_status)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_400_BAD_REQUEST and not isinstance(response.data, dict):
        response.data = {"non_field_errors": response.data}
    if response.status_code == status.HTTP_400_BAD_REQUEST:
        response.data = {
            field: messages if isinstance(messages, str) else _flat(messages)
            for field, messages in response.data.items()
        }
    response.data = encodable(response.data)
    return response
