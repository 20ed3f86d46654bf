"""The error answers every API operation can give, added to the schema in one place.

The schema is the contract a client is checked against (schemathesis runs with all its checks in
CI), so each status the API can answer must be documented with the body it carries. Views
document the answers particular to them (a refused transition's reasons, a conflict); the ones
that come from the framework for any operation of a kind are added here:
- 400 on an operation that takes input: a body that is not JSON or nests too deep
  ({"detail": ...}), or field errors ({field: [message]});
- 401 on every operation but the token endpoint (no or an expired token), 403 where a role may
  not act;
- 404 on an operation with a path parameter (no such row visible to the user) or a page number
  (a page past the end), and on every address under /api/ that does not exist;
- 400 and 409 on every change of a card, a removal included (the card's state refuses it, e.g.
  a finished card's lines; someone else changed it since it was read);
- 413 on an operation with a body (larger than the server accepts), 429 on the token endpoint.
A documented 400 of a view is widened to also allow the framework's shapes.
"""

DETAIL = {
    "type": "object",
    "description": "An error in words.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Field errors: {field: [message]} (non_field_errors for the whole input).",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
REF = "#/components/schemas/"
WORDS = {
    400: "Bad input: field errors, or a body that could not be read.",
    401: "No valid token or session.",
    403: "The user's process role may not do this.",
    404: "No such row visible to the user, or a page past the end.",
    409: "The card changed since it was read.",
    413: "The body is larger than the server accepts.",
    429: "Too many attempts: wait and try again.",
}
TOKEN = "/api/auth/token/"


def _answer(code: int, schema: dict) -> dict:
    return {"description": WORDS[code], "content": {"application/json": {"schema": schema}}}


def _json_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    detail = {"$ref": REF + "ErrorDetail"}
    bad_input = {"anyOf": [detail, {"$ref": REF + "FieldErrors"}]}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            has_body = "requestBody" in operation
            has_query = any(p.get("in") == "query" for p in parameters)
            paged = any(p.get("in") == "query" and p.get("name") == "page" for p in parameters)
            has_path = any(p.get("in") == "path" for p in parameters)
            wanted = {403: detail}
            if path != TOKEN:
                wanted[401] = detail
            else:
                wanted[429] = detail
            if has_body or has_query:
                wanted[400] = bad_input
            if has_body:
                wanted[413] = detail
            if has_path or paged:
                wanted[404] = detail
            if method in {"post", "patch", "put", "delete"} and path.startswith("/api/cards/{id}/"):
                # a change of a card the card's state refuses (a finished card's lines) or
                # one that came after someone else's
                wanted[400] = bad_input
                wanted[409] = detail
            if method == "patch" and path == "/api/cards/{id}/":
                wanted[409] = detail
            for code, schema in wanted.items():
                key = str(code)
                if key not in responses:
                    responses[key] = _answer(code, schema)
                elif code == 400:
                    own = _json_schema(responses[key])
                    if own is not None and own != bad_input:
                        responses[key]["content"]["application/json"]["schema"] = {
                            "anyOf": [own, detail, {"$ref": REF + "FieldErrors"}]
                        }
    return result
