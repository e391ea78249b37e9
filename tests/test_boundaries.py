"""Handlers stay free of platform and database code, channels free of database code (checked by walking
their imports)."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = ("telegram", "httpx", "starlette", "sqlalchemy", "db")
DATABASE = ("sqlalchemy", "db")  # channels translate: delivery statuses and look-ups belong to the outbox
ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth of its code (also under TYPE_CHECKING or in a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # from db import models
    return names


def _offenders(folder: str, forbidden: tuple[str, ...]) -> set[str]:
    return {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / folder).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in forbidden
    }


def test_handlers_import_no_platform_or_database_code() -> None:
    assert not _offenders("handlers", FORBIDDEN)


def test_channels_import_no_database_code() -> None:
    assert not _offenders("bot/channels", DATABASE)


def test_the_boundary_check_sees_what_it_forbids(tmp_path: Path) -> None:
    module = tmp_path / "channel.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from db import models\n"
                      "def f():\n    import sqlalchemy\n")
    assert {"db", "db.models", "sqlalchemy"} <= _imports(module)


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "handlers", "db")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert not missing
