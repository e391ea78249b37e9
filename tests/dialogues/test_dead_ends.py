"""No dead ends: a person (typing the way artisans type) always gets a way on: a fallback that fits the message,
the contact of a person after two misunderstandings or when asked, help that lists everything, subscriptions and
STOP/MULAI by words. Every conversation asserts the resulting state, never the wording."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Artisan, ChannelIdentity, Conversation, Subscription, Training
from handlers.menu import MISSES
from tests.channels import ChannelChat, ConsoleChat

MENU = {"tl", "cert", "tip", "lang"}  # the main menu's payloads
BBSPJIKB_PHONE = "0274-546111"  # the general contact (sourced: /work/shared/domain-facts.md, section 0)


@dataclass
class Seen:
    """What the database holds for the person behind a chat after the conversation."""

    opt_out: bool
    province: str | None
    memory: dict[str, Any]
    subscriptions: list[tuple[str, str]]

    @property
    def misses(self) -> int:
        """The misunderstandings in a row, as the fallback counted them (0 once something else was answered)."""
        missed = self.memory.get(MISSES)
        if not isinstance(missed, dict) or missed.get("shown") != self.memory.get("options"):
            return 0
        return int(missed["count"])


async def seen(chat: ChannelChat) -> Seen:
    async with chat.app.sessionmaker() as session:
        person = await session.scalar(
            select(Artisan).join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user))
        assert person is not None
        conversation = await session.get(Conversation, person.id)
        rows = (await session.execute(select(Subscription.craft, Subscription.region)
                                      .where(Subscription.artisan_id == person.id)
                                      .order_by(Subscription.id))).all()
        memory = dict(((conversation.data if conversation else None) or {}).get("memory") or {})
        return Seen(person.proactive_opt_out, person.province, memory, [(r[0], r[1]) for r in rows])


async def contact_of(chat: ChannelChat, code: str) -> str:
    """The contact of a training as the catalogue has it."""
    async with chat.app.sessionmaker() as session:
        contact = await session.scalar(select(Training.contact).where(Training.code == code))
    assert contact
    return contact


def payloads(chat: ChannelChat) -> set[str]:
    """The routes of the buttons of the last replies (console only)."""
    assert isinstance(chat, ConsoleChat)
    return {b.payload.split(":")[0] for r in chat.chat.replies for b in r.buttons}


def full_payloads(chat: ChannelChat) -> list[str]:
    assert isinstance(chat, ConsoleChat)
    return [b.payload for r in chat.chat.replies for b in r.buttons]


async def say_all(chat: ChannelChat, *messages: str) -> str:
    said = ""
    for message in messages:
        said = await chat.say(message)
    return said


# --- a human way out -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("first, second", [
    ("asdfgh", "???"),
    ("resep rendang dong", "bot goblok"),
    ("wkwkwk", "hmm"),
    ("zzzz qqqq", "lah kok gitu"),
])
async def test_two_misunderstandings_in_a_row_offer_a_person(console: ChannelChat, first: str, second: str) -> None:
    said = await console.say(first)
    assert (await seen(console)).misses == 1 and BBSPJIKB_PHONE not in said
    assert MENU <= payloads(console) or "tl" in payloads(console)
    said = await console.say(second)
    assert (await seen(console)).misses == 2
    assert BBSPJIKB_PHONE in said and {"human", "help"} <= payloads(console)


async def test_two_misunderstandings_after_a_detail_give_the_contact_of_that_training(console: ChannelChat) -> None:
    await console.say("PRK-YK-01")
    assert (await seen(console)).memory.get("training") == "PRK-YK-01"
    await console.say("bot goblok")
    said = await console.say("asdfgh")
    assert await contact_of(console, "PRK-YK-01") in said
    assert (await seen(console)).misses == 2


async def test_something_understood_in_between_starts_the_count_again(console: ChannelChat) -> None:
    await console.say("asdfgh")
    await console.say("pelatihan batik di jogja")
    assert (await seen(console)).misses == 0
    said = await console.say("???")
    assert (await seen(console)).misses == 1 and BBSPJIKB_PHONE not in said


@pytest.mark.parametrize("asked", [
    "mau bicara dengan orang", "hubungi admin", "nomor panitia", "cs nya mana", "talk to a person",
    "MAU BICARA SAMA PETUGAS!!", "aku mau ngomong sm orang", "nomer cs brp kak",
])
async def test_asking_for_a_person_gives_the_general_contact(console: ChannelChat, asked: str) -> None:
    said = await console.say(asked)
    assert BBSPJIKB_PHONE in said
    assert {"tl", "menu"} <= payloads(console)
    assert (await seen(console)).misses == 0


@pytest.mark.parametrize("code, asked", [
    ("PRH-AMB-01", "mau bicara dengan orang"),
    ("ANY-JAP-01", "nyuwun nomer panitia"),
    ("PRK-YK-01", "hubungi admin dong kak"),
    ("TNN-MTK-01", "can i talk to a human"),
])
async def test_asking_for_a_person_after_a_detail_gives_its_organizers_contact(console: ChannelChat, code: str,
                                                                               asked: str) -> None:
    await console.say(code.lower())
    said = await console.say(asked)
    assert await contact_of(console, code) in said
    assert f"td:{code}" in full_payloads(console)


async def test_the_person_button_of_a_fallback_gives_the_contacts(console: ChannelChat) -> None:
    await console.say("BTK-YK-03")
    await console.say("???")
    said = await console.tap("petugas")
    assert await contact_of(console, "BTK-YK-03") in said


async def test_with_a_known_province_the_organizers_there_are_listed(console: ChannelChat) -> None:
    await console.say("halo")
    async with console.app.sessionmaker() as session, session.begin():
        person = await session.scalar(select(Artisan).join(ChannelIdentity)
                                      .where(ChannelIdentity.external_id == console.user))
        assert person is not None
        person.province = "81"  # Maluku: one organizer there in the demo catalogue
    said = await console.say("kontak petugas dong")
    assert await contact_of(console, "PRH-AMB-01") in said and BBSPJIKB_PHONE in said


# --- fallbacks that fit the message ----------------------------------------------------------------------------

async def test_off_topic_rude_and_gibberish_get_different_answers_with_the_menu(console: ChannelChat) -> None:
    answers = []
    for message in ("resep rendang dong", "BOT GOBLOK", "asdfgh"):
        await console.say("halo")  # each one is a first misunderstanding
        answers.append(await console.say(message))
        assert MENU <= payloads(console) and "help" in payloads(console)
        assert (await seen(console)).misses == 1
    assert len(set(answers)) == 3


@pytest.mark.parametrize("message, craft, province, month", [
    ("hmm batik", "batik", None, None),
    ("kalo batik gmn kak", "batik", None, None),
    ("jogja gmn", None, "34", None),
    ("bali asik ya", None, "51", None),
    ("desember", None, None, "20261201"),
])
async def test_a_partly_understood_message_offers_what_was_understood(console: ChannelChat, message: str,
                                                                     craft: str | None, province: str | None,
                                                                     month: str | None) -> None:
    await console.say(message)
    offered = [p for p in full_payloads(console) if p.startswith("tl:")]
    assert offered, full_payloads(console)
    assert craft is None or f"c={craft}" in offered[0]
    assert province is None or f"p={province}" in offered[0]
    assert month is None or f"f={month}" in offered[0]
    assert (await seen(console)).misses == 1


@pytest.mark.parametrize("message", ["🙏", "👍", "makasih 🙏🙏", "👍🏻👍🏻", "suwun kak 🙏", "ok thx 👌"])
async def test_thanks_in_emoji_are_thanks_not_misunderstandings(console: ChannelChat, message: str) -> None:
    await console.say("pelatihan tenun")
    await console.say(message)
    assert (await seen(console)).misses == 0
    assert MENU <= payloads(console)


# --- help ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["bantuan", "HELP", "/help", "bingung nih kak", "kriya bisa apa aja?"])
async def test_help_offers_everything_kriya_does(console: ChannelChat, message: str) -> None:
    await console.say(message)
    assert MENU | {"my", "subs", "human"} <= payloads(console)
    assert (await seen(console)).misses == 0


# --- subscriptions by words ------------------------------------------------------------------------------------

async def test_my_subscriptions_lists_them_and_changes_nothing(console: ChannelChat) -> None:
    await say_all(console, "langganan batik di jogja", "kabarin kalo ada pelatihan tenun ya")
    assert (await seen(console)).subscriptions == [("batik", "34"), ("tenun", "")]
    await console.say("langganan saya apa aja kak")
    assert (await seen(console)).subscriptions == [("batik", "34"), ("tenun", "")]
    assert {"unsub", "unsuball"} <= payloads(console)


async def test_my_subscriptions_when_there_are_none(console: ChannelChat) -> None:
    await console.say("LANGGANAN SAYA")
    assert (await seen(console)).subscriptions == []
    assert "sub" in payloads(console)


@pytest.mark.parametrize("stop_all", ["berhenti langganan semua", "hapus semua langganan", "unsubscribe all",
                                      "keluar dari daftar info", "leave the list", "kluar dr daftar info kak"])
async def test_stopping_every_subscription_by_words(console: ChannelChat, stop_all: str) -> None:
    await say_all(console, "langganan batik", "langganan perak di bali", "langganan tenun")
    assert len((await seen(console)).subscriptions) == 3
    await console.say(stop_all)
    after = await seen(console)
    assert after.subscriptions == [] and not after.opt_out  # subscriptions gone; reminders still welcome


@pytest.mark.parametrize("stop_one, left", [
    ("berhenti langganan batik", [("tenun", "")]),
    ("stop langganan tenun dong", [("batik", "34")]),
    ("hapus langganan btk", [("tenun", "")]),
    ("gak usah kabarin tenun lagi", [("batik", "34")]),
])
async def test_stopping_one_subscription_by_its_craft(console: ChannelChat, stop_one: str,
                                                      left: list[tuple[str, str]]) -> None:
    await say_all(console, "langganan batik jogja", "langganan tenun")
    await console.say(stop_one)
    assert (await seen(console)).subscriptions == left


async def test_stopping_a_craft_not_followed_removes_nothing(console: ChannelChat) -> None:
    await console.say("langganan batik")
    await console.say("berhenti langganan kayu")
    assert (await seen(console)).subscriptions == [("batik", "")]
    assert "unsub" in payloads(console)


async def test_stopping_subscriptions_when_there_are_none_offers_stop(console: ChannelChat) -> None:
    await console.say("berhenti langganan semua")
    after = await seen(console)
    assert after.subscriptions == [] and not after.opt_out
    assert "stop" in payloads(console)
    await console.tap("Hentikan")
    assert (await seen(console)).opt_out


async def test_the_remove_all_button(console: ChannelChat) -> None:
    await say_all(console, "langganan batik", "langganan tenun", "langganan saya")
    await console.tap("Hapus semua")
    assert (await seen(console)).subscriptions == []


@pytest.mark.parametrize("resume", ["mulai lagi dong kak", "Mulai lg kak 🙏", "MULAI LAGI", "resume messages",
                                    "nyalain lagi notifnya"])
async def test_resuming_in_words_is_mulai(console: ChannelChat, resume: str) -> None:
    await console.say("STOP")
    assert (await seen(console)).opt_out
    await console.say(resume)
    assert not (await seen(console)).opt_out
    assert "subs" in payloads(console)


async def test_no_more_messages_in_words_is_stop(console: ChannelChat) -> None:
    await console.say("langganan batik")
    await console.say("jangan kirim pesan lagi ya kak")
    after = await seen(console)
    assert after.opt_out and after.subscriptions == [("batik", "")]  # kept for when MULAI comes


async def test_leaving_the_list_is_never_a_subscription(console: ChannelChat) -> None:
    await console.say("remove me from the list please")
    await console.say("keluar dari daftar info")
    assert (await seen(console)).subscriptions == []


async def test_subscriptions_are_removed_by_words_on_every_channel(anywhere: ChannelChat) -> None:
    await say_all(anywhere, "kabari kalau ada pelatihan tenun ya min", "langganan perak di bali")
    assert (await seen(anywhere)).subscriptions == [("tenun", ""), ("perak", "51")]
    await anywhere.say("berhenti langganan tenun")
    assert (await seen(anywhere)).subscriptions == [("perak", "51")]
    await anywhere.say("langganan batik")
    await anywhere.say("berhenti langganan semua")
    assert (await seen(anywhere)).subscriptions == []


async def test_stop_and_mulai_lagi_on_every_channel(anywhere: ChannelChat) -> None:
    await anywhere.say("langganan batik")
    await anywhere.say("STOP")
    assert (await seen(anywhere)).opt_out
    await anywhere.say("mulai lagi dong kak")
    after = await seen(anywhere)
    assert not after.opt_out and after.subscriptions == [("batik", "")]


async def test_a_person_on_every_channel_after_two_misunderstandings(anywhere: ChannelChat) -> None:
    await anywhere.say("asdfgh")
    said = await anywhere.say("??")
    assert BBSPJIKB_PHONE in said
    assert (await seen(anywhere)).misses == 2
