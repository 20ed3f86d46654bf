"""What the endpoints of the processes API share: their documented refusals, one clock, and
a card's action called with its input."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from processes.api import serializers as s

REFUSED = OpenApiResponse(s.RefusalSerializer, description="Refused, with the reasons in words.")
FORBIDDEN = OpenApiResponse(s.DetailSerializer, description="The user's process role may not.")
NOT_FOUND = OpenApiResponse(s.DetailSerializer, description="No such card visible to the user.")
CONFLICT = OpenApiResponse(s.DetailSerializer, description="The card changed since it was read.")
FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message]}.")


def card_change_responses(refused=FIELD_ERRORS) -> dict:
    """What a change to one card answers: the card, or why not (`refused` says what a 400
    carries), who may not, no such card, or a change made since it was read."""
    return {
        200: s.CardSerializer,
        400: refused,
        403: FORBIDDEN,
        404: NOT_FOUND,
        409: CONFLICT,
    }


class RequestClock:
    """A viewset mixin: the clock is read once per request, and every figure that depends on
    it (the cards' SLA states, overdue approvals) is computed at that instant."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.now = timezone.now()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now}


def card_act(request, card, service, input_class, **extra):
    """`service(actor=, card=, expected_version=, **input, **extra)` with the request's body as
    `input_class` reads it (400 with the field errors otherwise): the version the client read is
    the one the service expects, so a change made since is a 409, not overwritten."""
    data = input_class(data=request.data)
    data.is_valid(raise_exception=True)
    values = dict(data.validated_data)
    version = values.pop("version", None)
    return service(actor=request.user, card=card, expected_version=version, **values, **extra)
