"""What the endpoints of the processes API share: their documented refusals and one clock."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from processes.api import serializers as s

REFUSED = OpenApiResponse(s.RefusalSerializer, description="Refused, with the reasons in words.")
FORBIDDEN = OpenApiResponse(s.DetailSerializer, description="The user's process role may not.")
NOT_FOUND = OpenApiResponse(s.DetailSerializer, description="No such card visible to the user.")
CONFLICT = OpenApiResponse(s.DetailSerializer, description="The card changed since it was read.")
FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message]}.")


class RequestClock:
    """A viewset mixin: the clock is read once per request, and every figure that depends on
    it (the cards' SLA states, overdue approvals) is computed at that instant."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.now = timezone.now()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now}
