"""How the OpenAPI schema describes the API's token (imported by RolesConfig.ready())."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class TokenScheme(KnoxTokenScheme):
    # The name DRF's own token authentication had in the schema: clients' config keeps working.
    target_class = "roles.api.authentication.TokenAuthentication"
    name = "tokenAuth"
