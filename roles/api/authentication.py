"""The API's token authentication (DEFAULT_AUTHENTICATION_CLASSES): django-rest-knox's tokens.

Its own module, apart from the views: DRF imports it while loading its settings, before any
view module may be imported.
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check in one query (token and user together).

    knox also loads all the user's other tokens on every request to delete expired ones; here
    an expired token is deleted when it is used, and the rest when its owner logs in again.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
