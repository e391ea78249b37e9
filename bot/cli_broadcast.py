"""`kriya broadcast`: a message to an audience, previewed with its recipients, sent now or at a set time."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta

from bot.cli_common import CommandError, existing_code, open_app_for
from bot.config import Settings

MAX_BROADCAST = 4096


def _send_time(at: str | None, now: datetime) -> datetime:
    """When a broadcast goes: `--at` (without offset: WIB), not in the past; default now."""
    from bot.regions import WIB

    if not at:
        return now
    try:
        send_at = datetime.fromisoformat(at)
    except ValueError:
        raise CommandError(f"--at {at} is not an ISO 8601 date and time") from None
    send_at = send_at if send_at.tzinfo else send_at.replace(tzinfo=WIB.zone)
    if send_at < now - timedelta(minutes=1):
        raise CommandError("--at is in the past")
    return send_at


async def _confirmed(args: argparse.Namespace) -> bool:
    """--yes, or a yes typed on the terminal; without a terminal nothing is sent unasked."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise CommandError("not sent: add --yes to send")
    return (await asyncio.to_thread(input, "Send? [y/N] ")).strip().lower() in ("y", "yes", "ya")


def _check_broadcast(args: argparse.Namespace) -> str:
    """The broadcast's text; CommandError for a bad text, craft or region."""
    from bot.crafts import CRAFTS
    from bot.regions import region_name

    text: str = args.text.strip()
    if not text or len(text) > MAX_BROADCAST:
        raise CommandError(f"--text must have 1 to {MAX_BROADCAST} characters")
    if args.craft and args.craft not in CRAFTS:
        raise CommandError(f"--craft {args.craft} is not one of {', '.join(CRAFTS)}")
    if args.region and region_name(args.region) is None:
        raise CommandError(f"--region {args.region} is not a Kemendagri region code")
    return text


async def broadcast(settings: Settings, args: argparse.Namespace) -> None:
    from bot.regions import WIB
    from bot.services.announcements import Audience, schedule_broadcast
    from bot.services.broadcast_preview import broadcast_template, preview

    text = _check_broadcast(args)
    template = broadcast_template(settings)
    async with open_app_for(settings) as app:
        now = app.clock()
        send_at = _send_time(args.at, now)
        training = await existing_code(app, args.training) if args.training else None
        wanted = Audience(craft=args.craft, region=args.region, training_code=training)
        async with app.sessionmaker() as session:
            found = await preview(session, text, wanted, send_at, template)
        who = ", ".join(f"{k}={v}" for k, v in vars(wanted).items() if v) or "everyone"
        print(f"Preview:\n{text}\n\nAudience: {who}\nRecipients: {len(found.recipients)}\n"
              f"Blocked: {found.blocked} (opted out {found.opted_out}, deleted or unreachable {found.unreachable}, "
              f"WhatsApp outside the 24-hour window without a template {found.outside_window})\n"
              f"Send at: {send_at.astimezone(WIB.zone):%Y-%m-%d %H:%M} WIB (quiet hours move it per person)")
        if not await _confirmed(args):
            print("not sent")
            return
        async with app.sessionmaker() as session, session.begin():
            found = await preview(session, text, wanted, send_at, template)  # as it is now, in this transaction
            sent = await schedule_broadcast(session, text, wanted, send_at, now, settings.policy,
                                            recipients=found.recipients)
        print(f"broadcast {sent.id} queued for {sent.recipients} recipient(s)")
