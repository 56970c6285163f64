"""The six delivered files: where each lands and which columns it carries."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIMENSIONS", "STREAMS", "Entity"]


@dataclass(frozen=True)
class Entity:
    """One delivered file and the staging/target tables it feeds."""

    name: str
    filename: str
    origin: str  # "vendor" or "internal"
    stage_sql: str
    stage: str
    table: str | None
    columns: tuple[str, ...]
    duplicate: str  # what a second valid record with the same natural key duplicates
    header: tuple[str, ...] = ()
    hash_expr: str = "content_hash"


DIMENSIONS: tuple[Entity, ...] = (
    Entity(
        "users",
        "users.csv",
        "internal",
        "stage_users",
        "stg_user",
        "dim_user",
        ("user_id", "natural_key", "email", "first_name", "last_name"),
        "email",
        header=("first_name", "last_name", "email"),
    ),
    Entity(
        "movies",
        "movies.csv",
        "internal",
        "stage_movies",
        "stg_movie",
        "dim_movie",
        ("movie_id", "natural_key", "title", "duration_mins", "original_language", "size_mb"),
        "movie title",
        header=("title", "duration_mins", "original_language", "size_mb"),
    ),
    Entity(
        "authors",
        "authors.json",
        "vendor",
        "stage_authors",
        "stg_author",
        "dim_author",
        (
            "author_id",
            "natural_key",
            "name",
            "birth_date",
            "died_at",
            "nationality_labels",
            "nationalities",
        ),
        "author name",
    ),
    Entity(
        "books",
        "books.json",
        "vendor",
        "stage_books",
        "stg_book",
        "dim_book",
        ("book_id", "natural_key", "title", "pages", "author_name", "author_id", "publisher"),
        "book title",
    ),
    Entity(
        "reviews",
        "reviews.json",
        "vendor",
        "stage_reviews",
        "stg_review",
        "dim_review",
        (
            "review_id",
            "natural_key",
            "book_title",
            "book_key",
            "movie_title",
            "movie_key",
            "review_text",
            "rating",
            "rating_label",
            "created_at",
            "updated_at",
            "created_after_updated",
        ),
        "review key",
    ),
)

STREAMS = Entity(
    "streams",
    "streams.csv",
    "internal",
    "stage_streams",
    "stg_stream",
    None,
    (),
    "stream",
    header=("movie_title", "user_email", "size_mb", "start_at", "end_at"),
    # Every stored field beyond the natural key (user, movie, start instant); start_at_local
    # carries the UTC offset. (Was `raw`, NULL for valid records: the hash was a row count.)
    hash_expr="CAST(hash(movie_title, user_email, size_mb, end_at_utc, start_at_local) AS VARCHAR)",
)
