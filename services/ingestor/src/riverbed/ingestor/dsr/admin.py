"""Server-rendered DSR admin: password login, DSR list, delete with CSRF and confirmation."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from riverbed.core.web import get_session
from riverbed.ingestor.dsr.importer import delete_dsr
from riverbed.ingestor.dsr.schema import dsr, usage

__all__ = ["admin_blueprint"]

_SESSION_KEY = "dsr_admin"
_CSRF_KEY = "dsr_admin_csrf"


def _password_hash() -> str | None:
    explicit = current_app.config.get("DSR_ADMIN_PASSWORD_HASH")
    if explicit:
        return str(explicit)
    settings = current_app.config.get("RIVERBED_SETTINGS")
    value = getattr(settings, "admin_password_hash", None)
    return str(value) if value else None


def _csrf_token() -> str:
    token = session.get(_CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return str(token)


def _check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    expected = session.get(_CSRF_KEY, "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(
            Response(
                "<p>Invalid or missing CSRF token: reload the form.</p>", 400, mimetype="text/html"
            )
        )


def _login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not session.get(_SESSION_KEY):
            return redirect(url_for("dsr.dsr_admin.login_form", next=request.path), 302)
        return view(*args, **kwargs)

    return wrapper


def _rows(dsr_id: int | None = None) -> list[Any]:
    counts = select(usage.c.dsr_id, func.count().label("n")).group_by(usage.c.dsr_id)
    if dsr_id is not None:
        counts = counts.where(usage.c.dsr_id == dsr_id)
    sub = counts.subquery()
    stmt = (
        select(dsr, func.coalesce(sub.c.n, 0).label("usage_rows"))
        .outerjoin(sub, sub.c.dsr_id == dsr.c.id)
        .order_by(dsr.c.id)
    )
    if dsr_id is not None:
        stmt = stmt.where(dsr.c.id == dsr_id)
    return list(get_session().execute(stmt))


def admin_blueprint() -> Blueprint:
    """Build the admin blueprint."""
    bp = Blueprint("dsr_admin", __name__, template_folder="templates")

    @bp.get("/admin/dsrs")
    @_login_required
    def index() -> str:
        rows = _rows()
        return render_template(
            "dsr_admin/list.html", dsrs=rows, total=len(rows), csrf_token=_csrf_token()
        )

    @bp.get("/admin/dsrs/login")
    def login_form() -> tuple[str, int]:
        disabled = _password_hash() is None
        html = render_template(
            "dsr_admin/login.html", disabled=disabled, error=None, csrf_token=_csrf_token()
        )
        return html, 403 if disabled else 200

    @bp.post("/admin/dsrs/login")
    def login() -> Any:
        _check_csrf()
        expected = _password_hash()
        if expected is None:
            return render_template(
                "dsr_admin/login.html", disabled=True, error=None, csrf_token=""
            ), 403
        if not check_password_hash(expected, request.form.get("password", "")):
            html = render_template(
                "dsr_admin/login.html",
                disabled=False,
                error="Wrong password.",
                csrf_token=_csrf_token(),
            )
            return html, 401
        session.clear()
        session[_SESSION_KEY] = True
        _csrf_token()
        return redirect(url_for("dsr.dsr_admin.index"), 303)

    @bp.post("/admin/dsrs/logout")
    def logout() -> Any:
        _check_csrf()
        session.clear()
        return redirect(url_for("dsr.dsr_admin.login_form"), 303)

    @bp.get("/admin/dsrs/<int:dsr_id>/delete")
    @_login_required
    def confirm_delete(dsr_id: int) -> Any:
        rows = _rows(dsr_id)
        if not rows:
            abort(Response("<p>No such DSR.</p>", 404, mimetype="text/html"))
        return render_template("dsr_admin/confirm.html", d=rows[0], csrf_token=_csrf_token())

    @bp.post("/admin/dsrs/<int:dsr_id>/delete")
    @_login_required
    def delete(dsr_id: int) -> Any:
        _check_csrf()
        if request.form.get("confirm") != "yes":
            return redirect(url_for("dsr.dsr_admin.confirm_delete", dsr_id=dsr_id), 303)
        db = get_session()
        if db.execute(select(dsr.c.id).where(dsr.c.id == dsr_id)).first() is None:
            abort(Response("<p>No such DSR.</p>", 404, mimetype="text/html"))
        delete_dsr(db.connection(), dsr_id)
        db.commit()
        flash(f"DSR {dsr_id} deleted.")
        return redirect(url_for("dsr.dsr_admin.index"), 303)

    return bp
