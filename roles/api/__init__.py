"""The API of roles: `me` (GET /api/me/), `auth` and `auth_urls` (the tokens), `authentication`
(DRF's token class, loaded with the settings) and `schema` (how OpenAPI describes the token)."""
