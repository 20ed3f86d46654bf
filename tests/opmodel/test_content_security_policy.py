"""The Content-Security-Policy header goes with pages and API answers alike (issue 15, point
10); tests/e2e/test_content_security_policy.py checks in Chromium that every page satisfies it."""

import pytest
from django.test import Client

from tests.processes.test_api import api_as

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"


def directives(answer) -> dict[str, str]:
    parts = [p.strip() for p in answer[HEADER].split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in parts}


def test_pages_carry_the_policy(alice):
    client = Client()
    login_page = client.get("/accounts/login/")
    client.force_login(alice)
    board = client.get("/")

    for answer in (login_page, board):
        policy = directives(answer)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe-inline" not in answer[HEADER]


def test_api_answers_and_errors_carry_the_policy(alice):
    client = api_as(alice)

    for answer in (client.get("/api/me/"), client.get("/api/nowhere/"), Client().get("/api/me/")):
        assert directives(answer)["default-src"] == "'self'"


def test_only_the_api_docs_allow_data_images(alice):
    client = Client()
    client.force_login(alice)

    docs = client.get("/api/docs/")
    board = client.get("/")

    assert directives(docs)["img-src"] == "'self' data:"
    assert directives(board)["img-src"] == "'self'"
    assert "<style>" not in docs.content.decode()
    assert "<script>" not in docs.content.decode()
