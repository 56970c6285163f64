"""OpenAPI operations of the media routes."""

from __future__ import annotations

from typing import Any

from riverbed.api.media.schemas import (
    InsightIn,
    InsightList,
    InsightOut,
    PageIn,
    PageList,
    PageOut,
    VideoIn,
    VideoList,
    VideoOut,
)
from riverbed.core.web import PAGINATION_PARAMETERS, OpenApiRegistry, ref

__all__ = ["media_openapi"]

_ERR = {"application/json": {"schema": ref("Error")}}
_DESCRIPTIONS = {
    "400": "Bad request (malformed JSON or query parameter)",
    "404": "Not found",
    "409": "Conflict",
    "413": "Body too large",
    "415": "Body is not JSON",
    "422": "Invalid body",
}


def _errors(*codes: str) -> dict[str, Any]:
    return {c: {"description": _DESCRIPTIONS[c], "content": _ERR} for c in codes}


def _id_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }


def _ok(schema: dict[str, str], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _resource(
    reg: OpenApiRegistry,
    *,
    plural: str,
    singular: str,
    tag: str,
    body: type,
    out: type,
    listing: type,
) -> None:
    body_ref, out_ref, list_ref = reg.add_model(body), reg.add_model(out), reg.add_model(listing)
    item = f"/{plural}/{{{singular}_id}}"
    reg.add_operation(
        f"/{plural}",
        "post",
        {
            "tags": [tag],
            "summary": f"Create a {singular}",
            "operationId": f"create_{singular}",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_ref}},
            },
            "responses": {
                "201": {
                    **_ok(out_ref, "Created"),
                    "headers": {
                        "Location": {
                            "description": "URL of the new resource",
                            "schema": {"type": "string"},
                        }
                    },
                },
                **_errors("400", "409", "413", "415", "422"),
            },
        },
    )
    reg.add_operation(
        f"/{plural}",
        "get",
        {
            "tags": [tag],
            "summary": f"List {plural}",
            "operationId": f"list_{plural}",
            "parameters": PAGINATION_PARAMETERS,
            "responses": {"200": _ok(list_ref), **_errors("400")},
        },
    )
    reg.add_operation(
        item,
        "get",
        {
            "tags": [tag],
            "summary": f"Get a {singular}",
            "operationId": f"get_{singular}",
            "parameters": [_id_param(f"{singular}_id")],
            "responses": {"200": _ok(out_ref), **_errors("404")},
        },
    )


def media_openapi(reg: OpenApiRegistry) -> None:
    """Register every media operation."""
    reg.add_tag("pages", "Media pages")
    reg.add_tag("videos", "Videos published on pages")
    reg.add_tag("insights", "Engagement figures of videos")
    _resource(
        reg,
        plural="pages",
        singular="page",
        tag="pages",
        body=PageIn,
        out=PageOut,
        listing=PageList,
    )
    _resource(
        reg,
        plural="videos",
        singular="video",
        tag="videos",
        body=VideoIn,
        out=VideoOut,
        listing=VideoList,
    )
    _resource(
        reg,
        plural="insights",
        singular="insight",
        tag="insights",
        body=InsightIn,
        out=InsightOut,
        listing=InsightList,
    )
    reg.add_operation(
        "/pages/{page_id}",
        "delete",
        {
            "tags": ["pages"],
            "summary": "Delete a page (409 when it has videos, unless cascade)",
            "operationId": "delete_page",
            "parameters": [
                _id_param("page_id"),
                {
                    "name": "cascade",
                    "in": "query",
                    "required": False,
                    "description": "Also delete the page's videos and their insights.",
                    "schema": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no"]},
                },
            ],
            "responses": {"204": {"description": "Deleted"}, **_errors("400", "404", "409")},
        },
    )
    reg.add_operation(
        "/videos/{video_id}",
        "delete",
        {
            "tags": ["videos"],
            "summary": "Delete a video and its insights",
            "operationId": "delete_video",
            "parameters": [_id_param("video_id")],
            "responses": {"204": {"description": "Deleted"}, **_errors("404")},
        },
    )
    reg.add_operation(
        "/insights/{insight_id}",
        "delete",
        {
            "tags": ["insights"],
            "summary": "Delete an insight",
            "operationId": "delete_insight",
            "parameters": [_id_param("insight_id")],
            "responses": {"204": {"description": "Deleted"}, **_errors("404")},
        },
    )
    reg.add_operation(
        "/pages/{page_id}/videos",
        "get",
        {
            "tags": ["pages"],
            "summary": "List the videos of a page",
            "operationId": "list_page_videos",
            "parameters": [_id_param("page_id"), *PAGINATION_PARAMETERS],
            "responses": {"200": _ok(ref("VideoList")), **_errors("400", "404")},
        },
    )
    reg.add_operation(
        "/videos/{video_id}/insights",
        "get",
        {
            "tags": ["videos"],
            "summary": "List the insights of a video",
            "operationId": "list_video_insights",
            "parameters": [_id_param("video_id"), *PAGINATION_PARAMETERS],
            "responses": {"200": _ok(ref("InsightList")), **_errors("400", "404")},
        },
    )
