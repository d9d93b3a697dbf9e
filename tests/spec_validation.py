"""Validates sandbox responses against the marketplaces' published OpenAPI/Swagger documents.

The sandboxes must speak the real wire format, so their tests check every body against
the schema in ../shared/specs/ instead of against our own idea of it. jsonschema (Draft 4
semantics, which Swagger 2.0 and OpenAPI 3.0 schemas are based on) does the validating;
this module only loads a document once and turns OpenAPI's `nullable` into JSON Schema.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"


def _fix_nullable(node: object) -> object:
    if isinstance(node, dict):
        node = {k: _fix_nullable(v) for k, v in node.items()}
        if node.get("nullable") is True:
            typ = node.get("type")
            if isinstance(typ, str):
                node["type"] = [typ, "null"]
            elif "$ref" in node or "allOf" in node or "oneOf" in node:
                node = {"anyOf": [{k: v for k, v in node.items() if k != "nullable"}, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_fix_nullable(v) for v in node]
    return node


@lru_cache(maxsize=None)
def _document(relative: str) -> tuple[dict, Registry]:
    path = SPECS / relative
    if not path.exists():
        raise FileNotFoundError(f"marketplace spec {path} is missing (the shared specs sit beside the repo)")
    doc = _fix_nullable(json.loads(path.read_text(encoding="utf-8")))
    uri = f"urn:spec:{relative}"
    registry = Registry().with_resource(uri, Resource.from_contents(doc, default_specification=DRAFT4))
    return doc, registry  # type: ignore[return-value]


def validate(relative: str, schema_name: str, body: object) -> None:
    """Raise jsonschema.ValidationError unless ``body`` matches the named schema.

    ``schema_name`` is looked up under `definitions` (Swagger 2.0) or `components/schemas`
    (OpenAPI 3), e.g. validate("amazon/ordersV0.json", "GetOrdersResponse", body).
    """
    doc, registry = _document(relative)
    section = "definitions" if "definitions" in doc else "components/schemas"
    pointer = f"urn:spec:{relative}#/{section}/{schema_name}"
    container = doc.get("definitions") or doc.get("components", {}).get("schemas", {})
    if schema_name not in container:
        raise KeyError(f"{relative} has no schema {schema_name!r}")
    validator = jsonschema.Draft4Validator({"$ref": pointer}, registry=registry)
    errors = sorted(validator.iter_errors(copy.deepcopy(body)), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise jsonschema.ValidationError(f"{schema_name} at {where}: {first.message} ({len(errors)} problem(s))")
