"""The public page that verifies a certificate of attendance, /verify/<code>: only the name, the training, its
dates and the organizer (never a phone, a place or a registration); a polite "not found" for any other code."""

from __future__ import annotations

import logging

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.i18n import LANGUAGES, _, format_days, normalize_language, use_language
from bot.organizers.web import TEMPLATES_DIR
from bot.services.certificates import VERIFY_PATH, verified

logger = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                               "base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",  # people's names: for whoever holds the link, not for search engines
    "Cache-Control": "no-store",
}
CODE_MAX = 64  # longer paths are not looked up

_templates = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                         trim_blocks=True, lstrip_blocks=True)


def page_language(request: Request) -> str:
    """?lang=en, else the browser's first language we speak, else Indonesian."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        language = part.split(";")[0].strip()[:2].lower()
        if language in LANGUAGES:
            return language
    return normalize_language(None)


def texts() -> dict[str, str]:
    return {
        "title": _("Verifikasi sertifikat"),
        "valid": _("Sertifikat ini asli."),
        "name": _("Nama"),
        "training": _("Pelatihan"),
        "dates": _("Tanggal"),
        "organizer": _("Penyelenggara"),
        "code": _("Kode sertifikat"),
        "not_found": _("Maaf, sertifikat dengan kode ini tidak kami temukan. Periksa lagi kodenya (huruf dan angka "
                       "di bawah sertifikat), atau tanyakan kepada penyelenggara pelatihan."),
        "issued_by": _("Sertifikat kehadiran diterbitkan lewat Kriya."),
    }


def routes(app: App) -> list[BaseRoute]:
    async def verify(request: Request) -> HTMLResponse:
        code = str(request.path_params["code"])[:CODE_MAX]
        async with app.sessionmaker() as session:
            found = await verified(session, code)
        language = page_language(request)
        with use_language(language):
            body = _templates.get_template("verify.html").render(
                t=texts(), lang=language, found=found,
                dates=format_days(found.first_day, found.last_day) if found else "")
        return HTMLResponse(body, status_code=200 if found else 404, headers=HEADERS)

    return [Route(VERIFY_PATH + "{code}", verify, methods=["GET"])]
