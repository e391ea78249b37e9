"""Genders as stored on a person (asked optionally at registration) and their names in the current language."""

from __future__ import annotations

import logging

from bot.i18n import _

logger = logging.getLogger(__name__)

FEMALE, MALE, UNDISCLOSED = "female", "male", "undisclosed"
GENDERS = (FEMALE, MALE, UNDISCLOSED)
UNKNOWN = "unknown"  # in reports: never asked (a profile from before the question, a nominee added by staff)


def gender_name(code: object) -> str:
    """The gender's name in the current language; "-" when not given."""
    names = {FEMALE: _("Perempuan"), MALE: _("Laki-laki"), UNDISCLOSED: _("Tidak menyebut"),
             UNKNOWN: _("Tidak diketahui")}
    return names.get(code, "-") if isinstance(code, str) else "-"
