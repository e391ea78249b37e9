"""The English catalogue covers every Indonesian msgid in the code, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import _, catalog, use_language

ROOT = Path(__file__).resolve().parent.parent


def msgids_in_code() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords={"_": None}
        ):
            if isinstance(message, str):
                found.add(message)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_msgid_has_a_complete_english_translation() -> None:
    with (ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle)
    entries = {m.id: m for m in po if m.id}
    problems = []
    for msgid in sorted(msgids_in_code()):
        entry = entries.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not entry.string:
            problems.append(f"untranslated: {msgid!r}")
        elif placeholders(msgid) != placeholders(str(entry.string)):
            problems.append(f"placeholders differ: {msgid!r} -> {entry.string!r}")
    assert not problems, "\n".join(problems) + "\n(run scripts/i18n.sh, then translate)"
    assert len(msgids_in_code()) > 50


def test_translation_follows_the_current_language() -> None:
    assert catalog("en")
    with use_language("en"):
        assert _("Pelatihan") == "Trainings"
    with use_language("id"):
        assert _("Pelatihan") == "Pelatihan"
    assert _("Pelatihan") == "Pelatihan"
