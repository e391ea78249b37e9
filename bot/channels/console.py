"""The console channel: the same dispatcher as Telegram and WhatsApp, in a terminal or on stdin/stdout."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from dataclasses import dataclass, field
from typing import TextIO

from bot.channels.toolkit import numbered
from bot.core import IncomingMessage, Reply
from bot.dispatch import Dispatcher
from bot.i18n import _, normalize_language, use_language

logger = logging.getLogger(__name__)

LEAVE_WORDS = ("keluar", "exit", "quit")  # typed alone, they end the chat (piped or in a terminal)
ATTACHMENT_LINE = "📎 {filename}"  # the console shows no images: it names the file sent with a reply


def render_text(reply: Reply) -> str:
    """A reply as plain text, with a line naming its file, its options numbered (type the number or the title)."""
    lines = [reply.text]
    if reply.attachment is not None:
        lines.append(ATTACHMENT_LINE.format(filename=reply.attachment.filename))
    if reply.buttons:
        lines.append("")
        lines.append(numbered((button.title for button in reply.buttons), indent="  "))
    return "\n".join(lines)


def render_json(reply: Reply) -> str:
    return json.dumps(reply.as_dict(), ensure_ascii=False)


@dataclass
class Console:
    """One person chatting from a terminal (or a pipe)."""

    dispatcher: Dispatcher
    user: str
    name: str | None = None
    language: str | None = None
    as_json: bool = False
    out: TextIO = sys.stdout
    _first: bool = field(default=True, init=False)

    async def send(self, text: str) -> list[Reply]:
        """Hand one line to the dispatcher and print its replies."""
        meta = {"set_language": True} if self._first and self.language else {}
        self._first = False
        msg = IncomingMessage(
            channel="console", user_id=self.user, message_id=uuid.uuid4().hex, text=text,
            name=self.name, language=self.language, meta=meta,
        )
        replies = await self.dispatcher.handle(msg)
        for reply in replies:
            if self.as_json:
                print(render_json(reply), file=self.out)
            else:
                print(render_text(reply) + "\n", file=self.out)
        self.out.flush()
        return replies

    def goodbye(self) -> None:
        with use_language(normalize_language(self.language)):
            print(_("Sampai jumpa! Tulis lagi kapan saja."), file=self.out)
        self.out.flush()

    async def run_lines(self, source: TextIO) -> None:
        """One message per line (stdin not a terminal); empty lines are skipped, a leave word ends it."""
        for line in source:
            if line.strip().casefold() in LEAVE_WORDS:
                return
            if line.strip():
                await self.send(line.rstrip("\n"))

    async def run_terminal(self) -> None:
        """An interactive chat until end of input, 'keluar' or 'exit'."""
        print("Kriya — ketik pesan Anda (keluar: Ctrl-D atau 'keluar').\n", file=self.out)
        await self.send("/start")
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except (EOFError, KeyboardInterrupt):
                print(file=self.out)
                self.goodbye()
                return
            if line.strip().casefold() in LEAVE_WORDS:
                self.goodbye()
                return
            if line.strip():
                await self.send(line)
