"""The `kriya` command line (also `python -m bot`): chat, understand, serve, worker, poll, db, seed, trainings.

Each command is a function `(settings, args)` set as the `run` default of its subparser; `main` calls it (and
runs it in an event loop when it is a coroutine). Imports are lazy so that `kriya --help` loads little."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_common import CommandError, existing_code, open_app_for
from bot.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

Command = Callable[[Settings, argparse.Namespace], Awaitable[int | None] | int | None]
Subparsers = Any  # argparse's _SubParsersAction, private
QUIET_COMMANDS = ("chat", "understand")  # their output is the conversation: only warnings on stderr
# INFO lines that are noise to a user: alembic's as it loads ("setup plugin ..."), httpx's for every request
# (each long poll and each message sent to a platform: work on the path of every reply)
NOISY_LOGGERS = ("alembic", "httpx")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kriya", description="Kriya, a chatbot for Indonesian artisans.")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in (_add_conversation, _add_processes, _add_broadcast, _add_data, _add_trainings, _add_registrations,
                _add_staff):
        add(commands)
    return parser


def _add_staff(commands: Subparsers) -> None:
    from bot.organizers.cli import add_parser

    add_parser(commands)


def _add_conversation(commands: Subparsers) -> None:
    chat = commands.add_parser("chat", help="chat in the terminal (or one message per line on stdin)")
    chat.add_argument("--user", default="console", help="who you are, like a phone number (default: console)")
    chat.add_argument("--name", help="your display name")
    chat.add_argument("--lang", choices=("id", "en"), help="language of the conversation")
    chat.add_argument("--json", action="store_true", help="print each reply as one JSON line")
    chat.set_defaults(run=_chat)

    understand = commands.add_parser("understand", help="show what the bot understood, as JSON lines")
    understand.add_argument("--today", type=date.fromisoformat, help="reference date (YYYY-MM-DD)")
    understand.add_argument("text", nargs="*", help="messages (each argument is one; quote a message with spaces)")
    understand.set_defaults(run=_understand)


def _add_processes(commands: Subparsers) -> None:
    serve = commands.add_parser("serve", help="the web process: webhooks, /healthz, scheduler and outbox")
    serve.add_argument("--port", type=int, help="port (default $PORT or 8000)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--no-background", action="store_true", help="leave scheduler and outbox to `kriya worker`")
    serve.set_defaults(run=_serve)
    commands.add_parser("worker", help="scheduler and outbox sender alone").set_defaults(run=_worker)
    commands.add_parser("poll", help="Telegram long polling with scheduler and outbox in-process").set_defaults(
        run=_poll)


def _add_broadcast(commands: Subparsers) -> None:
    broadcast = commands.add_parser("broadcast", help="send a message to an audience, now or at a set time")
    broadcast.add_argument("--text", required=True, help="the message")
    broadcast.add_argument("--craft", help="people with this craft (profile or subscription)")
    broadcast.add_argument("--region", help="province or regency code, e.g. 34 or 51.04")
    broadcast.add_argument("--training", help="the registrants of this training code")
    broadcast.add_argument("--at", help="when, ISO 8601 (without offset: WIB); default now")
    broadcast.add_argument("--yes", action="store_true", help="send without asking")
    broadcast.set_defaults(run=_broadcast)


async def _broadcast(settings: Settings, args: argparse.Namespace) -> None:
    from bot.cli_broadcast import broadcast

    await broadcast(settings, args)


def _add_data(commands: Subparsers) -> None:
    db = commands.add_parser("db", help="database")
    db.add_argument("action", choices=("upgrade",))
    db.set_defaults(run=_db_upgrade)

    seed = commands.add_parser("seed", help="load data")
    seed.add_argument("--demo", action="store_true", required=True, help="the demo catalogue")
    seed.set_defaults(run=_seed)


def _add_trainings(commands: Subparsers) -> None:
    from bot.services.catalogue import describe_format

    actions = commands.add_parser("trainings", help="the training catalogue").add_subparsers(
        dest="action", required=True)
    importing = actions.add_parser(
        "import", help="import trainings from CSV, XLSX or YAML (upsert by code)",
        description=describe_format() + " A workbook is read the same way: its first sheet, the column "
        "names in row 1, line numbers in messages as the spreadsheet numbers its rows; a formula counts by its "
        "saved value. `kriya trainings template` writes a file to fill in.")
    importing.add_argument("file", type=Path, help="a .csv, .xlsx, .yaml or .yml file")
    importing.set_defaults(run=lambda settings, args: _import(settings, args.file))
    actions.add_parser("list", help="the catalogue as a table").set_defaults(
        run=lambda settings, _args: _list(settings))
    template = actions.add_parser(
        "template", help="a file for organizers to fill in: the import's columns and one example row",
        description="The import's columns as the header and one example row (code CONTOH-01) that imports as it "
        "is. CSV goes to stdout unless --output is given; XLSX (with a sheet 'Petunjuk' saying per column what "
        "to write) goes to --output, or to kriya-trainings-template.xlsx in the working directory.")
    template.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="default: csv")
    template.add_argument("--output", type=Path, help="the file to write")
    template.set_defaults(run=lambda _settings, args: _template(args.format, args.output))


def _add_registrations(commands: Subparsers) -> None:
    actions = commands.add_parser("registrations", help="registrants, for organizers").add_subparsers(
        dest="action", required=True)
    export = actions.add_parser("export", help="registrants as CSV on stdout, or CSV/XLSX in a file")
    export.add_argument("--training", help="only this training code")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv",
                        help="csv (default) or xlsx (needs --output)")
    export.add_argument("--output", type=Path, help="the file to write (default for csv: stdout)")
    export.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the header, statuses, crafts and place names (default: id)")
    export.set_defaults(run=lambda settings, args: _export(settings, args.training, args.lang, args.format,
                                                           args.output))


async def _chat(settings: Settings, args: argparse.Namespace) -> None:
    from bot.channels.console import Console

    async with open_app_for(settings) as app:
        console = Console(app.dispatcher, args.user, name=args.name, language=args.lang, as_json=args.json)
        if sys.stdin.isatty():
            await console.run_terminal()
        else:
            await console.run_lines(sys.stdin)


def _understand(_settings: Settings, args: argparse.Namespace) -> None:
    from bot import nlu

    today = args.today or datetime.now(UTC).date()
    lines = args.text if args.text else (line.rstrip("\n") for line in sys.stdin)  # each argument: one message
    for line in lines:
        print(json.dumps(nlu.understand(line, today=today).as_dict(), ensure_ascii=False), flush=True)


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from bot.web import create_web_app

    async with open_app_for(settings, with_channels=True) as app:
        web = create_web_app(app, run_background=not args.no_background)
        config = uvicorn.Config(web, host=args.host, port=args.port or settings.port, log_level="info")
        await uvicorn.Server(config).serve()


async def _worker(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.worker import background, wait_for_signal

    async with open_app_for(settings, with_channels=True) as app, background(app):
        logger.info("worker running: outbox for %s", ", ".join(c.name for c in app.channels) or "no channel")
        await wait_for_signal()


async def _poll(settings: Settings, _args: argparse.Namespace) -> None:
    from bot.worker import background

    if not settings.telegram_bot_token:
        raise CommandError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather first")
    async with open_app_for(settings, with_channels=True) as app, background(app):
        telegram = app.channel("telegram")
        assert telegram is not None
        await telegram.poll()  # type: ignore[attr-defined]


async def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> None:
    async with open_app_for(settings, migrate=True):
        print("database is up to date")


async def _seed(settings: Settings, _args: argparse.Namespace) -> None:
    from db.seed import seed_demo

    async with open_app_for(settings) as app, app.sessionmaker() as session, session.begin():
        report = await seed_demo(session, app.clock())
    print(f"demo catalogue loaded: {len(report.created)} new, {len(report.updated)} refreshed (demo data, not real schedules)")


async def _import(settings: Settings, path: Path) -> int:
    """Exit status 0 when rows went in (or every row was good), 1 when rows were refused and none went in."""
    from bot.services.catalogue import (
        SQLITE_BATCH_PAUSE,
        ImportFileError,
        ImportReport,
        ImportStopped,
        import_in_batches,
        printable,
        read_rows,
    )

    try:
        rows = read_rows(path)
    except ImportFileError as error:
        raise CommandError(printable(str(error))) from None

    def summary(report: ImportReport) -> None:
        for rejected in report.errors:
            print(printable(f"{path.name}:{rejected.line}: {rejected.code or '-'}: {rejected.reason}"),
                  file=sys.stderr)
        print(f"imported {len(report.created)} new, {len(report.updated)} updated, {len(report.errors)} rejected")

    async with open_app_for(settings) as app:
        try:
            report = await import_in_batches(app.sessionmaker, rows, now=app.clock(), policy=settings.policy,
                                             pause=SQLITE_BATCH_PAUSE if settings.is_sqlite else 0.0)
        except ImportStopped as stopped:
            logger.debug("import stopped", exc_info=stopped.__cause__)
            summary(stopped.report)
            raise CommandError(str(stopped)) from None
    summary(report)
    return 1 if report.errors and not (report.created or report.updated) else 0


async def _list(settings: Settings) -> None:
    from bot.services.catalogue import printable
    from bot.services.trainings import TrainingCatalogue, TrainingFilter

    async with open_app_for(settings) as app, app.sessionmaker() as session:
        found = await TrainingCatalogue(session, app.clock()).search(TrainingFilter())
    from bot.regions import region_name

    rows: list[tuple[str, ...]] = [("code", "starts (local)", "craft", "place", "mode", "taken", "free", "fee",
                                    "title")]
    for t in found:
        local = t.starts_at.astimezone(t.zone.zone).strftime("%Y-%m-%d %H:%M ") + t.zone.name
        place = region_name(t.regency) or region_name(t.province) or t.province
        free = "unlimited" if t.quota is None else str(max(t.quota - t.taken, 0))
        taken = str(t.taken) if t.quota is None else f"{t.taken} of {t.quota}"
        cells = (t.code, local, t.craft, place, t.mode, taken, free, str(t.fee), t.title)
        rows.append(tuple(printable(cell) for cell in cells))  # a title cannot move the cursor or recolour
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
    print(f"{len(found)} upcoming training(s)")


def _template(fmt: str, output: Path | None) -> None:
    from bot.services.templates import DEFAULT_XLSX_NAME, write_template_csv, write_template_xlsx

    try:
        if fmt == "csv" and output is None:
            write_template_csv(sys.stdout)
            return
        if output is None:
            output = Path(DEFAULT_XLSX_NAME)
            if output.exists():  # perhaps the one already filled in: never written over unasked
                raise CommandError(f"{output.resolve()} exists; name another file with --output")
        if fmt == "csv":
            with output.open("w", encoding="utf-8", newline="") as out:
                write_template_csv(out)
        else:
            write_template_xlsx(output)
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    print(f"template written to {output.resolve()}: fill in one row per training (replace the example "
          "CONTOH-01), then `kriya trainings import` it")


async def _export(settings: Settings, training: str | None, language: str | None = "id", fmt: str = "csv",
                  output: Path | None = None) -> None:
    from bot.services.exports import registrants, write_csv, write_xlsx

    if fmt == "xlsx" and output is None:
        raise CommandError("--format xlsx needs --output FILE")
    async with open_app_for(settings) as app:
        if training:
            training = await existing_code(app, training)
        async with app.sessionmaker() as session:
            rows = await registrants(session, training, language)
    # every cell neutralised: no formula reaches the organizer's spreadsheet
    try:
        if output is None:
            write_csv(rows, sys.stdout)
        elif fmt == "xlsx":
            write_xlsx(rows, output, title="Pendaftar" if language == "id" else "Registrants")
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                write_csv(rows, out)
    except OSError as error:
        raise CommandError(f"cannot write {output}: {error.strerror}") from None
    if output is not None:
        print(f"{len(rows) - 1} registrant(s) written to {output.resolve()}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.command in QUIET_COMMANDS else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    run: Command = args.run
    try:
        outcome = run(load_settings(), args)
        if isinstance(outcome, Coroutine):
            import asyncio  # only for the commands that run a loop: `understand` and `--help` start faster

            outcome = asyncio.run(outcome)
    except (CommandError, ConfigError) as error:
        print(f"kriya: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kriya trainings list | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    return outcome if isinstance(outcome, int) else 0


if __name__ == "__main__":
    sys.exit(main())
