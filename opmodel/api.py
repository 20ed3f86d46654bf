"""What every app's API views share: the rows the user may see, one of them by id or a 404
(never a 403: an id tells an outsider nothing), the parsing of query and body, and the refusal
of a query parameter sent empty."""

from collections.abc import Iterable, Mapping

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from opmodel.errors import InvalidInput

BLANK_REFUSED = "This field may not be blank: give a value or leave the parameter out."


def refuse_blank(params: Mapping[str, str], names: Iterable[str] | None = None) -> None:
    """The API's answer to a query parameter sent empty (`?to=`): a 400 naming each one.

    The pages take a blank form field as "any"; a client of the API that sends one meant a value,
    and the schema documents none that is empty. `names`: only these parameters (default: all).
    """
    asked = params if names is None else [name for name in names if name in params]
    blank = sorted(name for name in asked if not params[name].strip())
    if blank:
        raise InvalidInput({name: [BLANK_REFUSED] for name in blank})


class VisibleViewSet(viewsets.GenericViewSet):
    """A viewset over `visible(user)`, the rows the user may see; `row(pk)` is one of them."""

    lookup_value_regex = r"\d+"
    not_found = "No such record."

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def row(self, pk):
        found = self.visible(self.request.user).filter(pk=pk).first()
        if found is None:
            raise NotFound(self.not_found)
        return found

    def query(self, serializer_class) -> dict:
        """The query string parsed by `serializer_class`, or 400 with field errors."""
        params = serializer_class(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)

    def body(self, serializer_class, **kwargs) -> dict:
        """The request body parsed by `serializer_class`, or 400 with field errors."""
        data = serializer_class(data=self.request.data, **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)
