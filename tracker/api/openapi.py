"""The OpenAPI 3.1 document of the API, built from the URL map and the pydantic models each view declares.

pydantic 2 writes JSON Schema 2020-12, which is OpenAPI 3.1's schema dialect, so its schemas go into the document
as they are; the paths come from the blueprint's own rules, so the document cannot list a route that is not there
or miss one that is.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.api.schemas import Errors
from tracker.core.numbers import LARGEST_ID

TITLE = "Pishraft API"
VERSION = "1"
REF = "#/components/schemas/{model}"
# What each converter of a URL rule accepts, as a schema.
CONVERTERS = {
    "int": {"type": "integer", "minimum": 0, "maximum": LARGEST_ID},
    "uuid": {"type": "string", "format": "uuid"},
    "default": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
}
_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<options>[^)]*)\))?:)?(?P<name>\w+)>")
# The refusals every operation may answer with, and why.
REFUSALS = {
    "400": "A malformed request (a NUL character in the address or query).",
    "401": "No token, or one that is unknown or revoked.",
    "404": "No such record, or one outside the user's province or county.",
    "422": "A filter or page that is not valid; the message is by parameter.",
}


@dataclass(frozen=True)
class Operation:
    """What a view answers, and the query string it reads."""

    summary: str
    answer: type[BaseModel] | None
    query: type[BaseModel] | None = None
    media: str = "application/json"  # a file's type when there is no answer model


def operation(summary: str, answer: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              media: str = "application/json") -> Callable:
    """Declare a view's answer (a model, or a file of a media type) and query string, for the document."""
    def declare(view):
        view.openapi = Operation(summary, answer, query, media)
        return view
    return declare


def _json(description: str, model: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def _argument(match: re.Match) -> dict:
    """The schema of a URL rule's argument, by its converter (`any(a, b)`: one of its words)."""
    if match["converter"] == "any":
        return {"type": "string", "enum": [word.strip() for word in match["options"].split(",")]}
    return CONVERTERS.get(match["converter"] or "default", CONVERTERS["default"])


def _present(schema: dict) -> dict:
    """A query parameter's schema without its null: a parameter left out is the null."""
    options = [option for option in schema.get("anyOf", ()) if option != {"type": "null"}]
    if len(options) != 1:
        return schema
    rest = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
    return {**options[0], **rest}


def document(app: Flask, blueprint: str) -> dict:
    """The OpenAPI 3.1 document of a blueprint's declared views."""
    operations = []
    for rule in app.url_map.iter_rules():
        declared = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if rule.endpoint.startswith(f"{blueprint}.") and declared is not None:
            operations.append((rule, declared))
    models = {Errors} | {op.answer for _rule, op in operations if op.answer is not None}
    queries = {op.query for _rule, op in operations if op.query is not None}
    _, definitions = models_json_schema(
        [(model, "serialization") for model in sorted(models, key=lambda m: m.__name__)]
        + [(model, "validation") for model in sorted(queries, key=lambda m: m.__name__)],
        ref_template=REF)
    schemas = definitions.get("$defs", {})
    paths: dict[str, dict] = {}
    for rule, op in sorted(operations, key=lambda pair: pair[0].rule):
        parameters = [{"name": match["name"], "in": "path", "required": True,
                       "schema": _argument(match)}
                      for match in _ARGUMENT.finditer(rule.rule)]
        if op.query is not None:
            parameters += [{"name": name, "in": "query", "required": False, "schema": _present(schema)}
                           for name, schema in schemas[op.query.__name__]["properties"].items()]
        responses = {"200": _json(op.answer.__doc__.strip().splitlines()[0], op.answer.__name__) if op.answer else
                     {"description": op.summary, "content": {op.media: {"schema": {"contentMediaType": op.media}}}}}
        responses |= {status: _json(why, "Errors") for status, why in REFUSALS.items()}
        paths[_ARGUMENT.sub(r"{\g<name>}", rule.rule)] = {"get": {
            "operationId": rule.endpoint.removeprefix(f"{blueprint}."), "summary": op.summary,
            "parameters": parameters, "responses": responses}}
    for query in queries:
        schemas.pop(query.__name__)  # only their parameters are in the document
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION,
                 "description": "Read-only. Send a token made on the account's API tokens page: "
                                "`Authorization: Bearer <token>`. Dates come twice: ISO and Jalali (`_jalali`)."},
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
    }
