"""Certification guides step by step and market tips, in Indonesian and English."""

from __future__ import annotations

import re

import pytest

from bot import content
from bot.app import App
from bot.i18n import use_language
from tests.conftest import Chat

TOPICS = ("nib", "bnsp", "tkdn", "merek", "desain_industri", "indikasi_geografis", "batikmark", "sni", "svlk")
TIPS = ("online", "packaging", "pricing", "export", "photo", "branding", "exhibition", "financing")


@pytest.mark.parametrize("language", ["id", "en"])
def test_content_is_complete_and_dated(language: str) -> None:
    with use_language(language):
        guides, tips = content.guides(), content.tips()
    assert set(TOPICS) <= set(guides)
    assert set(TIPS) <= set(tips)
    for key, guide in guides.items():
        assert guide["steps"], key
        assert guide["link"].startswith("https://"), key
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(guide["cost_as_of"])), key  # the source's precision
        assert len(guide["title"]) <= 24 and len(guide["summary"]) <= 72, key
    for key, tip in tips.items():
        assert tip["pages"], key
        assert re.fullmatch(r"(\d{4}(-\d{2}(-\d{2})?)?)?", str(tip.get("as_of") or "")), key


def test_both_languages_have_the_same_structure() -> None:
    with use_language("id"):
        guides_id, tips_id = content.guides(), content.tips()
    with use_language("en"):
        guides_en, tips_en = content.guides(), content.tips()
    assert {k: len(v["steps"]) for k, v in guides_id.items()} == {k: len(v["steps"]) for k, v in guides_en.items()}
    assert {k: len(v["pages"]) for k, v in tips_id.items()} == {k: len(v["pages"]) for k, v in tips_en.items()}


async def test_walk_through_the_bnsp_guide(chat: Chat) -> None:
    await chat.say("/sertifikasi")
    await chat.tap("BNSP")
    assert "LSP" in chat.text and "Biaya:" in chat.text and "https://bnsp.go.id" in chat.text
    total = int(re.search(r"Ada (\d+) langkah", chat.text).group(1))  # type: ignore[union-attr]
    await chat.tap("Mulai langkah 1")
    assert f"langkah 1 dari {total}" in chat.text
    for step in range(2, total + 1):
        await chat.tap("Langkah berikutnya")
        assert f"langkah {step} dari {total}" in chat.text
    assert "Selesai! Itu langkah terakhir." in chat.text
    assert "Langkah berikutnya" not in chat.titles
    await chat.tap("Sebelumnya")
    assert f"langkah {total - 1} dari {total}" in chat.text


async def test_nib_guide_says_it_is_free_with_the_date(chat: Chat) -> None:
    await chat.send(payload="cert:nib")
    assert "Biaya:" in chat.text and "(per " in chat.text and "oss.go.id" in chat.text


async def test_pricing_tip_has_a_worked_hpp_example(chat: Chat) -> None:
    await chat.send(payload="tip:pricing")
    pages = [chat.text]
    while "Lanjut" in chat.titles:
        await chat.tap("Lanjut")
        pages.append(chat.text)
    assert "HPP" in "\n".join(pages) and "Rp" in "\n".join(pages)


async def test_guides_in_english(demo_app: App) -> None:
    chat = Chat(demo_app, user="en-1", language="en")
    await chat.send(payload="cert:merek")
    assert "Cost:" in chat.text and "dgip.go.id" in chat.text
    await chat.tap("Start step 1")
    assert "step 1 of" in chat.text


async def test_an_unknown_topic_shows_the_index(chat: Chat) -> None:
    await chat.send(payload="cert:nothing:99")
    assert "Pilih topik" in chat.text and len(chat.titles) >= len(TOPICS)


@pytest.mark.parametrize(("value", "language", "shown"), [
    ("2019", "id", "2019"), ("2025-10", "id", "Oktober 2025"), ("2025-10", "en", "October 2025"),
    ("2025-07-23", "id", "23 Juli 2025"), ("2025-07-23", "en", "23 July 2025"),
])
def test_a_source_date_keeps_its_precision(value: str, language: str, shown: str) -> None:
    from bot.i18n import format_as_of

    with use_language(language):
        assert format_as_of(value) == shown


async def test_a_fee_from_a_yearly_source_names_the_year_not_a_weekday(chat: Chat) -> None:
    await chat.say("cara daftar merek")  # the trademark fees come from PP 28/2019: a year
    assert "2019" in chat.text
    assert not re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d+ \w+ 2019", chat.text)
