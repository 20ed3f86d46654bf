"""The API's tokens: POST /api/auth/token/ (log in) and POST /api/auth/logout/.

Tokens are django-rest-knox's: only a hash is stored, each login makes a new one, each expires
(REST_KNOX["TOKEN_TTL"]), logout deletes it and a password change deletes all of the user's
(roles/signals.py). Clients send `Authorization: Token <token>`, as before.

Password guessing meets two limits: django-axes (the authentication backend) locks an account
or an address after a few failures, like the login forms; a DRF throttle caps the requests per
address to this endpoint, failed or not.
"""

import math

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import get_token_model
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from opmodel.parsers import BoundedJSONParser
from roles.api.authentication import TokenAuthentication
from roles.views.lockout import lockout_response


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False)

    def validate(self, attrs):
        # authenticate() goes through django-axes first, which refuses a locked-out account or
        # address whatever the password, and counts this attempt if it fails.
        user = authenticate(
            request=self.context["request"],
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(help_text="When the token stops working.")


_DETAIL = inline_serializer("AuthRefusal", fields={"detail": serializers.CharField()})


class TokenLoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"
    # A login form may post here too; both fields are required, so a lenient parse only fails.
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    serializer_class = LoginSerializer

    @extend_schema(
        tags=["auth"],
        request=LoginSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Missing fields, or a wrong username or password."),
            429: OpenApiResponse(
                _DETAIL, description="Too many attempts: locked out or throttled; see Retry-After."
            ),
        },
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the request it refused (the DRF request here, not Django's).
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        now = timezone.now()
        tokens = get_token_model().objects
        tokens.filter(user=user, expiry__lt=now).delete()
        instance, token = tokens.create(user=user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        return Response({"token": token, "expiry": instance.expiry})

    def throttled(self, request, wait):
        seconds = math.ceil(wait or 0)
        raise Throttled(
            wait,
            detail=f"Too many token requests from this address. Try again in {seconds} seconds.",
        )


class TokenLogoutView(APIView):
    """Deletes the token this request came with; the user's other tokens stay."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="The token no longer works.")},
    )
    def post(self, request):
        request.auth.delete()
        user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
