"""The OpenAPI document describes exactly the routes the app serves; schemathesis finds no 5xx."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from riverbed.api.app import registered_routes


def _documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}


def test_every_route_is_documented_and_vice_versa(app: Flask, client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    served = registered_routes(app)
    documented = _documented(doc)
    assert served - documented == set(), "routes missing from /openapi.json"
    assert documented - served == set(), "documented routes the app does not serve"


def test_document_is_valid_openapi_31(client: FlaskClient) -> None:
    validate(client.get("/openapi.json").get_json())


def test_swagger_ui_is_served(client: FlaskClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and b"SwaggerUIBundle" in page.data
    asset = client.get("/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def _schemathesis_schema(app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def test_schemathesis_finds_no_server_error_nor_schema_violation(app: Flask) -> None:
    schema = _schemathesis_schema(app)
    failures: list[str] = []
    checks = [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
        schemathesis.checks.response_schema_conformance,
    ]
    from hypothesis import HealthCheck, given, settings
    from schemathesis.generation import GenerationMode

    operations = [r.ok() for r in schema.get_all_operations()]
    for operation, mode in itertools.product(operations, list(GenerationMode)):
        if mode is GenerationMode.NEGATIVE and operation.path.startswith("/docs"):
            continue  # a static file server: any filename is a positive case

        @settings(
            max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            response = case.call()
            try:
                case.validate_response(response, checks=checks)
            except Exception as exc:  # collect every failing operation
                failures.append(f"{case.method} {case.formatted_path}: {exc}")
                raise

        with contextlib.suppress(Exception):  # failures are collected above
            run()
    assert not failures, "\n".join(failures[:10])


def test_nul_bytes_in_query_strings_are_not_server_errors(client: FlaskClient) -> None:
    resp = client.get("/resources/percentile/50?territory=E%00S")
    assert resp.status_code == 200 and resp.get_json() == []
