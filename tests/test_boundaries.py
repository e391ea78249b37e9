"""Handlers stay free of platform and database code (checked by walking their imports)."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = ("telegram", "httpx", "starlette", "sqlalchemy", "db")
ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_handlers_import_no_platform_or_database_code() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in (ROOT / "handlers").glob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert not offenders


def test_every_module_starts_with_a_docstring() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "handlers", "db")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None
    ]
    assert not missing
