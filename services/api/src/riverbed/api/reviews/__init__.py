"""Reviews API: aggregated product and reviewer statistics over the exercise's `reviews` table."""

from riverbed.api.reviews._openapi import reviews_openapi
from riverbed.api.reviews._routes import reviews_blueprint
from riverbed.api.reviews.migrations import VERSIONS_DIR
from riverbed.core.web import ApiPlugin

__all__ = ["PLUGIN", "VERSIONS_DIR", "reviews_blueprint", "reviews_openapi"]

PLUGIN = ApiPlugin(name="reviews", blueprint=reviews_blueprint, openapi=reviews_openapi, order=40)
