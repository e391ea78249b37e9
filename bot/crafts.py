"""The craft codes of contracts.md and their names in each language (one place for them)."""

from __future__ import annotations

import logging

from bot.i18n import _

logger = logging.getLogger(__name__)

CRAFTS = (
    "batik", "perhiasan", "perak", "pewter", "tenun", "anyaman", "ecoprint",
    "kayu", "keramik", "bambu", "rotan", "kulit", "rajut", "bordir",
)


def craft_name(code: str) -> str:
    """The craft's name in the current language."""
    names = {
        "batik": _("Batik"),
        "perhiasan": _("Perhiasan"),
        "perak": _("Kerajinan perak"),
        "pewter": _("Pewter (timah)"),
        "tenun": _("Tenun"),
        "anyaman": _("Anyaman"),
        "ecoprint": _("Ecoprint"),
        "kayu": _("Kayu dan ukir"),
        "keramik": _("Keramik dan gerabah"),
        "bambu": _("Bambu"),
        "rotan": _("Rotan"),
        "kulit": _("Kulit"),
        "rajut": _("Rajut"),
        "bordir": _("Bordir dan sulam"),
    }
    return names.get(code, code)
