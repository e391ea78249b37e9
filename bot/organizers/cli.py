"""`kriya staff add/token/list/remove`: staff accounts of organizers, for the operator who installs Kriya.

Light to import (`kriya --help` builds the parser): the app and the accounts are imported when a command runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.config import Settings
from db.roles import STAFF_ROLES

logger = logging.getLogger(__name__)

OPERATOR = "command line"  # who acted, in the audit log, for what the operator does here


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Register `staff` and its actions on the `kriya` subparsers."""
    staff = commands.add_parser("staff", help="staff accounts of organizers (console and API)")
    actions = staff.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a staff account of an organizer (created when new)")
    add.add_argument("email")
    add.add_argument("--organizer", required=True, help="the organizer's name (or key)")
    add.add_argument("--role", required=True, choices=STAFF_ROLES,
                     help="admin (everything, incl. staff), staff (trainings, registrants, broadcasts), "
                     "checkin (check-in only), viewer (read only)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (else print a one-time sign-in link)")
    token = actions.add_parser("token", help="print a new API token for an account, once")
    token.add_argument("email")
    token.add_argument("--label", help="what the token is for, e.g. the script's name")
    actions.add_parser("list", help="every staff account")
    remove = actions.add_parser("remove", help="delete a staff account with its tokens and sessions")
    remove.add_argument("email")
    staff.set_defaults(run=run)
    return staff


def _fail(message: str) -> int:
    print(f"kriya: {message}", file=sys.stderr)
    return 2


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out a `kriya staff` command; its exit status."""
    import asyncio  # here, not at the top: the parser imports this module for every command

    from bot.organizers import accounts

    password: str | None = None
    if args.action == "add" and args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            return _fail("no password on stdin")
    try:
        return asyncio.run(_run(settings, args, password))
    except accounts.AccountError as error:
        return _fail(str(error))


async def _run(settings: Settings, args: argparse.Namespace, password: str | None) -> int:
    from bot.app import open_app
    from bot.organizers import accounts, audit

    async with open_app(settings) as app, app.sessionmaker() as session, session.begin():
        now = app.clock()
        if args.action == "add":
            account = await accounts.add_staff(session, args.email, args.organizer, args.role, password)
            await audit.record(session, "staff_added", OPERATOR, now, organizer_id=account.organizer_id,
                               target=account.email, detail={"role": account.role})
            print(f"{account.email}: {account.role} of {account.organizer.name}")
            if password is None:
                link, _row = await accounts.issue(session, account.id, "link", now,
                                                  lifetime=accounts.LINK_LIFETIME)
                hours = int(accounts.LINK_LIFETIME.total_seconds() // 3600)
                print(f"one-time sign-in link (valid {hours} hours; open it on Kriya's address):\n"
                      f"http://localhost:{settings.port}/console/link/{link}")
            return 0
        if args.action == "list":
            found = await accounts.list_staff(session)
            for account in found:
                state = "password set" if account.password_hash else "no password yet"
                print(f"{account.email}\t{account.role}\t{account.organizer.name}\t{state}")
            print(f"{len(found)} staff account(s)", file=sys.stderr)
            return 0
        account_or_none = await accounts.find_staff(session, args.email)
        if account_or_none is None:
            return _fail(f"no staff account {args.email.strip()}")
        if args.action == "token":
            token, credential = await accounts.issue(session, account_or_none.id, "api", now, label=args.label)
            await audit.record(session, "token_created", account_or_none.email, now,
                               organizer_id=account_or_none.organizer_id, staff_id=account_or_none.id,
                               target=f"token {credential.id}", detail={"label": args.label, "by": OPERATOR})
            print(token)
            print("shown once: only its hash is stored", file=sys.stderr)
            return 0
        await audit.record(session, "staff_removed", OPERATOR, now, organizer_id=account_or_none.organizer_id,
                           target=account_or_none.email)
        await accounts.remove_staff(session, args.email)
        print(f"removed {account_or_none.email}")
        return 0
