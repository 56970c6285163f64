"""Describe the reviews routes in the shared OpenAPI document."""

from __future__ import annotations

from typing import Any

from riverbed.api.reviews._models import (
    ID_MAX_LENGTH,
    ProductSummary,
    ReviewerSummary,
    ReviewPage,
)
from riverbed.core.web import PAGINATION_PARAMETERS, OpenApiRegistry, ref

__all__ = ["reviews_openapi"]

_DATE_PARAMS: list[dict[str, Any]] = [
    {
        "name": "from",
        "in": "query",
        "required": False,
        "description": "Inclusive lower bound on the review time: ISO date (2014-01-01) or "
        "date-time (2014-01-01T00:00:00Z); naive means UTC; 1970-01-01 to 2100-01-01.",
        "schema": {"type": "string", "maxLength": 40},
    },
    {
        "name": "to",
        "in": "query",
        "required": False,
        "description": "Exclusive upper bound, same format; must not be before `from`.",
        "schema": {"type": "string", "maxLength": 40},
    },
]


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def _id_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": ID_MAX_LENGTH},
    }


def _operation(
    op_id: str, summary: str, id_name: str, schema: dict[str, str], paged: bool
) -> dict[str, Any]:
    params = [_id_param(id_name), *_DATE_PARAMS]
    if paged:
        params += PAGINATION_PARAMETERS
    return {
        "tags": ["reviews"],
        "summary": summary,
        "operationId": op_id,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            "400": _error("A parameter is invalid; the message and details name it"),
            "404": _error("No review has this id"),
        },
    }


def reviews_openapi(registry: OpenApiRegistry) -> None:
    """Register the reviews operations and their response models."""
    registry.add_tag("reviews", "Aggregated review statistics per product and per reviewer")
    product = registry.add_model(ProductSummary, mode="serialization")
    reviewer = registry.add_model(ReviewerSummary, mode="serialization")
    page = registry.add_model(ReviewPage, mode="serialization")
    registry.add_operation(
        "/products/{product_id}/reviews/summary",
        "get",
        _operation(
            "productReviewSummary", "Aggregate a product's reviews", "product_id", product, False
        ),
    )
    registry.add_operation(
        "/reviewers/{reviewer_id}/reviews/summary",
        "get",
        _operation(
            "reviewerReviewSummary",
            "Aggregate a reviewer's reviews",
            "reviewer_id",
            reviewer,
            False,
        ),
    )
    registry.add_operation(
        "/products/{product_id}/reviews",
        "get",
        _operation(
            "productReviews", "List a product's reviews, newest first", "product_id", page, True
        ),
    )
    registry.add_operation(
        "/reviewers/{reviewer_id}/reviews",
        "get",
        _operation(
            "reviewerReviews", "List a reviewer's reviews, newest first", "reviewer_id", page, True
        ),
    )
