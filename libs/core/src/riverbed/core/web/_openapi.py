"""Collect one OpenAPI 3.1 document from every blueprint's operations and pydantic models."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

__all__ = ["ERROR_SCHEMA", "OpenApiRegistry", "ref"]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


def ref(name: str) -> dict[str, str]:
    """Return a $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


class OpenApiRegistry:
    """Hold paths and component schemas and render the document."""

    def __init__(self, title: str, version: str, description: str = "") -> None:
        self.info = {"title": title, "version": version, "description": description}
        self.paths: dict[str, dict[str, Any]] = {}
        self.schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
        self.tags: list[dict[str, str]] = []

    def add_tag(self, name: str, description: str) -> None:
        """Declare a tag grouping operations."""
        self.tags.append({"name": name, "description": description})

    def add_model(self, model: type[BaseModel], *, mode: str = "validation") -> dict[str, str]:
        """Register a pydantic model (and its nested models) as components; return its $ref."""
        schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}",
            mode=mode,  # type: ignore[arg-type]
        )
        for name, sub in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, sub)
        self.schemas[model.__name__] = schema
        return ref(model.__name__)

    def add_schema(self, name: str, schema: dict[str, Any]) -> dict[str, str]:
        """Register a raw JSON schema as a component; return its $ref."""
        self.schemas[name] = schema
        return ref(name)

    def add_operation(self, path: str, method: str, operation: dict[str, Any]) -> None:
        """Add one operation (`path` in OpenAPI form, e.g. /pages/{page_id})."""
        ops = self.paths.setdefault(path, {})
        key = method.lower()
        if key in ops:
            raise ValueError(f"operation {method.upper()} {path} declared twice")
        ops[key] = operation

    def document(self) -> dict[str, Any]:
        """Render the OpenAPI 3.1 document."""
        return {
            "openapi": "3.1.0",
            "info": dict(self.info),
            "tags": list(self.tags),
            "paths": copy.deepcopy(self.paths),
            "components": {"schemas": copy.deepcopy(self.schemas)},
        }
