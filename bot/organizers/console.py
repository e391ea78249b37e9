"""The web console under /console/: sign-in, the dashboard, a training's registrants, the staff list.

Sessions live in the database (only a hash of each) and travel in a signed, HttpOnly, SameSite=Lax cookie
(Secure over https). Every form carries a CSRF token: the session's, or before sign-in one bound to a
signed cookie. Sign-in attempts are limited per email and per address, counted from the audit log.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.crafts import craft_name
from bot.i18n import LANGUAGES, format_when, normalize_language, use_language
from bot.organizers import accounts, audit, queries, trainings
from bot.organizers.accounts import Staff
from bot.organizers.scope import scoped
from bot.organizers.texts import page_texts, role_name, status_name
from bot.organizers.trainings import import_columns
from bot.organizers.web import TEMPLATES_DIR, Side
from bot.regions import region_name, zone_of
from db.models import StaffAccount, StaffCredential

logger = logging.getLogger(__name__)

SESSION_COOKIE = "kriya_session"
LOGIN_COOKIE = "kriya_login"  # binds the sign-in form's CSRF token to the browser
LANGUAGE_COOKIE = "kriya_lang"
COOKIE_PATH = "/console/"  # the API takes bearer tokens only: the session cookie goes nowhere else
SIGN_IN_WINDOW = timedelta(minutes=15)
SIGN_IN_LIMIT_PER_EMAIL = 5  # failed attempts per email in the window
SIGN_IN_LIMIT_PER_ADDRESS = 20  # failed attempts per IP address (an office's staff may share one)
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token stays out of other sites' logs
    "Cache-Control": "no-store",
}

_templates = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                         trim_blocks=True, lstrip_blocks=True)


def language_of(request: Request) -> str:
    return normalize_language(request.cookies.get(LANGUAGE_COOKIE))


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page in the visitor's language, with the security headers."""
    language = language_of(request)
    with use_language(language):
        body = _templates.get_template(template).render(
            t=page_texts(), lang=language, languages=LANGUAGES, path=request.url.path, craft_name=craft_name,
            region_name=region_name, status_name=status_name, role_name=role_name, when=_when, **context)
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _when(moment: datetime, region: str | None) -> str:
    zone = zone_of(region)
    return format_when(moment, zone.zone, zone.name)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def _safe_next(value: str | None) -> str:
    """Only a path of the console: never another site (no open redirect)."""
    if value and value.startswith("/console/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/console/"


class CannotSave(Exception):
    """The catalogue refused a change made in the console (raised to roll the transaction back)."""


Page = Callable[[Request, Staff, StaffCredential], Awaitable[Response]]


class Console:
    def __init__(self, side: Side) -> None:
        self.side = side
        self.app = side.app

    # -- who is asking ----------------------------------------------------------------------------------

    async def _session_of(self, request: Request) -> tuple[Staff, StaffCredential] | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            token = (await self.side.signer()).loads(raw)
        except BadSignature:
            return None
        if not isinstance(token, str):
            return None
        async with self.app.sessionmaker() as session:
            return await accounts.resolve(session, token, "session", self.app.clock())

    def page(self, permission: str, handler: Page, form: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """`handler` for a signed-in staff member with `permission` (a form's POST needs its CSRF token too)."""
        async def endpoint(request: Request) -> Response:
            found = await self._session_of(request)
            if found is None:
                return _redirect(f"/console/login?next={quote(request.url.path)}")
            staff, credential = found
            if form:
                submitted = (await request.form()).get("csrf")
                if not isinstance(submitted, str) or not hmac.compare_digest(submitted, credential.csrf or ""):
                    return render(request, "message.html", 403, staff=staff, message_key="csrf")
            if not staff.may(permission):
                return render(request, "message.html", 403, staff=staff, csrf=credential.csrf,
                              message_key="forbidden")
            return await handler(request, staff, credential)
        return endpoint

    # -- signing in and out ------------------------------------------------------------------------------

    async def _login_form(self, request: Request, status: int = 200, error: str | None = None,
                          email: str = "") -> Response:
        token = secrets.token_urlsafe(32)
        response = render(request, "login.html", status, csrf=token, error=error, email=email,
                          next=_safe_next(request.query_params.get("next")))
        response.set_cookie(LOGIN_COOKIE, (await self.side.signer()).dumps(token), max_age=3600, path=COOKIE_PATH,
                            httponly=True, samesite="lax", secure=_secure(request))
        return response

    async def _login_csrf_ok(self, request: Request, submitted: Any) -> bool:
        try:
            expected = (await self.side.signer()).loads(request.cookies.get(LOGIN_COOKIE, ""))
        except BadSignature:
            return False
        return (isinstance(submitted, str) and isinstance(expected, str)
                and hmac.compare_digest(submitted, expected))

    async def login_page(self, request: Request) -> Response:
        if await self._session_of(request) is not None:
            return _redirect(_safe_next(request.query_params.get("next")))
        return await self._login_form(request)

    async def login(self, request: Request) -> Response:
        form = await request.form()
        if not await self._login_csrf_ok(request, form.get("csrf")):
            return render(request, "message.html", 403, message_key="csrf")
        email = str(form.get("email") or "").strip()[:254]
        password = str(form.get("password") or "")
        address = _address(request)
        now = self.app.clock()
        actor = email.lower()
        async with self.app.sessionmaker() as session, session.begin():
            since = now - SIGN_IN_WINDOW
            if (await audit.count_recent(session, "signin_failed", since, actor=actor) >= SIGN_IN_LIMIT_PER_EMAIL
                    or await audit.count_recent(session, "signin_failed", since, ip=address)
                    >= SIGN_IN_LIMIT_PER_ADDRESS):
                await audit.record(session, "signin_limited", actor, now, ip=address)
                return await self._login_form(request, 429, "too_many", email)
            staff = await accounts.authenticate(session, email, password)
            if staff is None:
                known = await accounts.find_staff(session, email)
                await audit.record(session, "signin_failed", actor, now, ip=address,
                                   organizer_id=known.organizer_id if known else None,
                                   staff_id=known.id if known else None)
            else:
                token, _credential = await accounts.issue(session, staff.id, "session", now,
                                                          lifetime=accounts.SESSION_LIFETIME)
                await audit.record(session, "signin", staff.email, now, organizer_id=staff.organizer_id,
                                   staff_id=staff.id, ip=address)
        if staff is None:
            return await self._login_form(request, 401, "bad_sign_in", email)
        return await self._signed_in(request, token, _safe_next(str(form.get("next") or "")))

    async def _signed_in(self, request: Request, token: str, target: str) -> Response:
        response = _redirect(target)
        response.set_cookie(SESSION_COOKIE, (await self.side.signer()).dumps(token),
                            max_age=int(accounts.SESSION_LIFETIME.total_seconds()), path=COOKIE_PATH,
                            httponly=True, samesite="lax", secure=_secure(request))
        response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
        return response

    async def logout(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        now = self.app.clock()
        async with self.app.sessionmaker() as session, session.begin():
            await accounts.revoke(session, credential.id)
            await audit.record(session, "signout", staff.email, now, organizer_id=staff.organizer_id,
                               staff_id=staff.id, ip=_address(request))
        response = _redirect("/console/login")
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        return response

    async def language(self, request: Request) -> Response:
        """Switch the console's language (a cookie; nothing on the server changes)."""
        response = _redirect(_safe_next(request.query_params.get("next")))
        response.set_cookie(LANGUAGE_COOKIE, normalize_language(request.query_params.get("to")),
                            max_age=365 * 86400, path="/", httponly=True, samesite="lax", secure=_secure(request))
        return response

    # -- one-time sign-in links ------------------------------------------------------------------------

    async def _link(self, token: str) -> Staff | None:
        async with self.app.sessionmaker() as session:
            found = await accounts.resolve(session, token, "link", self.app.clock())
        return found[0] if found else None

    async def link_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        if await self._link(token) is None:
            return render(request, "message.html", 404, message_key="link_invalid")
        return await self._link_form(request, token)

    async def _link_form(self, request: Request, token: str, status: int = 200, error: str | None = None) -> Response:
        csrf = secrets.token_urlsafe(32)
        response = render(request, "link.html", status, csrf=csrf, error=error, token=token)
        response.set_cookie(LOGIN_COOKIE, (await self.side.signer()).dumps(csrf), max_age=3600, path=COOKIE_PATH,
                            httponly=True, samesite="lax", secure=_secure(request))
        return response

    async def link(self, request: Request) -> Response:
        token = request.path_params["token"]
        form = await request.form()
        if not await self._login_csrf_ok(request, form.get("csrf")):
            return render(request, "message.html", 403, message_key="csrf")
        password, again = str(form.get("password") or ""), str(form.get("password_again") or "")
        if len(password) < accounts.PASSWORD_MIN or len(password) > accounts.PASSWORD_MAX:
            return await self._link_form(request, token, 422, "password_short")
        if password != again:
            return await self._link_form(request, token, 422, "password_mismatch")
        now = self.app.clock()
        async with self.app.sessionmaker() as session, session.begin():
            found = await accounts.resolve(session, token, "link", now)
            if found is None:
                return render(request, "message.html", 404, message_key="link_invalid")
            staff, link = found
            await accounts.set_password(session, staff.id, password)
            await accounts.revoke(session, link.id)
            session_token, _row = await accounts.issue(session, staff.id, "session", now,
                                                       lifetime=accounts.SESSION_LIFETIME)
            for action in ("password_set", "signin"):
                await audit.record(session, action, staff.email, now, organizer_id=staff.organizer_id,
                                   staff_id=staff.id, ip=_address(request), detail={"by": "link"})
        return await self._signed_in(request, session_token, "/console/")

    # -- pages -------------------------------------------------------------------------------------------

    async def dashboard(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        from bot.organizers.console_broadcasts import dashboard_card

        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            upcoming = await queries.trainings(session, upcoming_after=self.app.clock())
            cards = await dashboard_card(session, staff, self.app.clock())
        return render(request, "dashboard.html", staff=staff, csrf=credential.csrf, trainings=upcoming, **cards)

    async def training(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        from bot.organizers.console_aftercare import section
        from bot.organizers.console_live import PAGE_CSP, live_parts

        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return render(request, "message.html", 404, staff=staff, csrf=credential.csrf,
                              message_key="not_found")
            people = await queries.registrants(session, found.training.id)
            with use_language(language_of(request)):
                after = await section(session, found.training, self.app.settings.public_url)
        response = render(request, "training.html", staff=staff, csrf=credential.csrf, now=self.app.clock(),
                          **live_parts(request, staff, found, people), **after)
        response.headers["Content-Security-Policy"] = PAGE_CSP  # its script keeps who comes up to date
        return response

    async def cancel_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Ask before cancelling (a page with one form: no script needed)."""
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            found = await queries.training(session, request.path_params["code"])
        if found is None:
            return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key="not_found")
        return render(request, "cancel.html", staff=staff, csrf=credential.csrf, item=found)

    async def cancel(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Cancel a training: its registrants are told in the chat, in their language (the import's notices)."""
        now = self.app.clock()
        try:
            async with scoped(self.side.scoped_maker, staff.organizer_id) as session, session.begin():
                found = await queries.training(session, request.path_params["code"])
                if found is None:
                    return render(request, "message.html", 404, staff=staff, csrf=credential.csrf,
                                  message_key="not_found")
                code = found.training.code
                if found.training.status != "cancelled":
                    row = {**import_columns(found.training), "status": "cancelled"}
                    reasons = await trainings.save(session, staff, row, "training_cancelled", now,
                                                   self.app.settings.policy, by="console")
                    if reasons:  # a stored training the import refuses: rolled back, nothing changed
                        raise CannotSave("; ".join(reasons))
        except CannotSave as refused:
            logger.warning("cancelling %s refused: %s", request.path_params["code"], refused)
            return render(request, "message.html", 409, staff=staff, csrf=credential.csrf,
                          message_key="cannot_cancel")
        return _redirect(f"/console/trainings/{quote(code)}")

    async def staff_list(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        from sqlalchemy import select

        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            members = list((await session.execute(select(StaffAccount).order_by(StaffAccount.email))).scalars())
        return render(request, "staff.html", staff=staff, csrf=credential.csrf, members=members)


async def _to_dashboard(_request: Request) -> Response:
    return _redirect("/console/")


def routes(side: Side) -> list[BaseRoute]:
    from bot.organizers import (  # they build on this
        console_aftercare,
        console_broadcasts,
        console_checkin,
        console_live,
        console_person,
        console_registrants,
        console_reports,
        console_trainings,
    )

    console = Console(side)
    return [
        *console_trainings.routes(console),  # first: /console/trainings/new is not a training's code
        Route("/console", _to_dashboard, methods=["GET"]),
        Route("/console/login", console.login_page, methods=["GET"]),
        Route("/console/login", console.login, methods=["POST"]),
        Route("/console/logout", console.page("view", console.logout, form=True), methods=["POST"]),
        Route("/console/lang", console.language, methods=["GET"]),
        Route("/console/link/{token}", console.link_page, methods=["GET"]),
        Route("/console/link/{token}", console.link, methods=["POST"]),
        Route("/console/", console.page("view", console.dashboard), methods=["GET"]),
        Route("/console/trainings/{code}", console.page("registrants", console.training), methods=["GET"]),
        Route("/console/trainings/{code}/cancel", console.page("edit", console.cancel_page), methods=["GET"]),
        Route("/console/trainings/{code}/cancel", console.page("edit", console.cancel, form=True), methods=["POST"]),
        Route("/console/staff", console.page("staff", console.staff_list), methods=["GET"]),
        *console_broadcasts.routes(console),
        *console_reports.routes(console),
        *console_registrants.routes(console),
        *console_checkin.routes(console),
        *console_aftercare.routes(console),
        *console_live.routes(console),
        *console_person.routes(console),  # last: its {registration} would take /registrants/new, /cancel, /done
    ]
