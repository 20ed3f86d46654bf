"""The schema is the contract (issue 15, point 12): fields that may be null say so, lists that
are arrays are not documented as pages, and every error code the API gives is documented with
its body."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema, name):
    return schema["components"]["schemas"][name]


def _responses(schema, path, method):
    return schema["paths"][path][method]["responses"]


@pytest.mark.parametrize(
    "component, field",
    [
        ("Card", "client"),
        ("Card", "responsible"),
        ("Card", "block_reason"),
        ("Approval", "client_name"),
        ("Approval", "decided_by"),
        ("AlertNotification", "card"),
        ("Event", "actor"),
        ("CommentAdded", "actor"),
        ("Process", "commitment_point"),
        ("Status", "outcome"),
    ],
)
def test_fields_that_may_be_null_are_nullable(schema, component, field):
    assert _component(schema, component)["properties"][field].get("nullable") is True


@pytest.mark.parametrize("suffix", ["events/", "transitions/"])
def test_a_cards_history_and_moves_are_arrays(schema, suffix):
    answer = _responses(schema, f"/api/cards/{{id}}/{suffix}", "get")["200"]
    body = answer["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    params = schema["paths"][f"/api/cards/{{id}}/{suffix}"]["get"].get("parameters", [])
    assert "page" not in {p["name"] for p in params}


@pytest.mark.parametrize(
    "path",
    ["/api/products/", "/api/warehouses/", "/api/stock/", "/api/cards/{id}/links/"],
)
def test_the_stock_lists_are_documented_as_arrays(schema, path):
    answer = _responses(schema, path, "get")["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"


def test_reserving_takes_no_body(schema):
    assert "requestBody" not in schema["paths"]["/api/cards/{id}/reserve/"]["post"]


@pytest.mark.parametrize(
    "path, method, codes",
    [
        ("/api/cards/", "get", {"200", "400", "401", "403", "404"}),
        ("/api/cards/", "post", {"201", "400", "401", "403", "413"}),
        ("/api/cards/{id}/", "patch", {"200", "400", "401", "403", "404", "409"}),
        ("/api/cards/{id}/transitions/{name}/", "post", {"200", "400", "403", "404", "409"}),
        ("/api/approvals/{id}/approve/", "post", {"200", "400", "403", "404", "409"}),
        ("/api/alerts/", "get", {"200", "400", "401", "404"}),
        # a finished card refuses a line's removal with a 400 (CI's schemathesis found it)
        ("/api/cards/{id}/items/{item_id}/", "delete", {"204", "400", "403", "404", "409"}),
        ("/api/cards/{id}/reserve/", "post", {"200", "400", "403", "404", "409"}),
        ("/api/auth/token/", "post", {"200", "400", "429"}),
        # issue 26: a process from a document, its definition and its rule history
        ("/api/processes/", "post", {"201", "400", "401", "403", "413"}),
        ("/api/processes/{slug}/definition/", "get", {"200", "401", "404"}),
        ("/api/processes/{slug}/versions/", "get", {"200", "401", "404"}),
    ],
)
def test_error_codes_are_documented(schema, path, method, codes):
    assert codes <= set(_responses(schema, path, method))


def test_a_refused_transition_documents_both_of_its_bodies(schema):
    answer = _responses(schema, "/api/cards/{id}/transitions/{name}/", "post")["400"]
    shapes = answer["content"]["application/json"]["schema"]["anyOf"]
    refs = {shape.get("$ref", "").rsplit("/", 1)[-1] for shape in shapes}
    assert {"Refusal", "ErrorDetail", "FieldErrors"} <= refs


def test_a_key_results_history_is_an_array_without_pages(schema):
    operation = schema["paths"]["/api/key-results/{id}/history/"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]

    assert answer["type"] == "array"
    assert "page" not in [p["name"] for p in operation.get("parameters", [])]


def test_a_process_rule_history_is_an_array_without_pages_and_names_its_nulls(schema):
    operation = schema["paths"]["/api/processes/{slug}/versions/"]["get"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"
    assert "page" not in [p["name"] for p in operation.get("parameters", [])]
    version = _component(schema, "Version")["properties"]
    assert version["by"].get("nullable") is True and version["decision"].get("nullable") is True
    document = _component(schema, "ProcessDocument")["properties"]
    assert document["calendar"].get("nullable") is True
    assert {"statuses", "transitions", "sla", "exception_rules", "rhythm"} <= set(document)


@pytest.mark.parametrize("action", ["done", "drop"])
def test_closing_a_closed_decision_documents_its_409(schema, action):
    assert "409" in _responses(schema, f"/api/decisions/{{id}}/{action}/", "post")


@pytest.mark.parametrize(
    ("url", "name"),
    [("/api/cards/", "sla"), ("/api/cards/", "priority"), ("/api/cards/", "client"),
     ("/api/alerts/", "kind")],
)  # fmt: skip
def test_an_empty_choice_parameter_is_refused(alice, url, name):
    from tests.processes.test_api import api_as

    answer = api_as(alice).get(f"{url}?{name}=")

    assert answer.status_code == 400
    assert name in answer.json()


def test_the_schema_documents_what_the_figures_read_from_statuses(schema):
    status = _component(schema, "Status")["properties"]
    assert {"outcome", "commitment_point"} <= set(status)
    assert "won or lost" in status["outcome"]["description"]
    assert "agreed" in status["commitment_point"]["description"]
    assert (
        "agreed" in _component(schema, "Process")["properties"]["commitment_point"]["description"]
    )


def test_every_body_but_the_logins_is_json_only(schema):
    # DRF's form parsers read leniently: a multipart body that is no object as an empty change, a
    # text's leading control character trimmed past the schema's maxLength (schemathesis, CI).
    offered = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "requestBody" in operation
    }
    assert len(offered) > 20
    not_json = {key: types for key, types in offered.items() if types != ["application/json"]}
    assert set(not_json) == {("/api/auth/token/", "post")}
