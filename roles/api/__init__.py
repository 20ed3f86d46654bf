"""The API's tokens: `auth` and `auth_urls` (log in, log out), `authentication` (DRF's token
class, loaded with the settings) and `schema` (how OpenAPI describes the token). GET /api/me/
is processes' (processes/api/me.py): it names each process by its slug."""
