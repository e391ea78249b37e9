"""Import files kept between the console's dry run and its save: on the server, one folder per organizer, under
a random token. The save form carries only the token; the folder comes from the signed-in staff member, so a
token of another organizer (or a guessed one) finds nothing."""

from __future__ import annotations

import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from bot.services.catalogue import MAX_FILE_BYTES

logger = logging.getLogger(__name__)

UPLOADS_DIR = Path(tempfile.gettempdir()) / "kriya-imports"
SUFFIXES = (".csv", ".xlsx")
LIFETIME_SECONDS = 3600  # a checked file waits this long for its save
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
CHUNK = 64 * 1024


class UnsafeFolder(RuntimeError):
    """The folder for uploads exists but is not this server's own: nothing is written there."""


class Uploads:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or UPLOADS_DIR

    def _folder(self, organizer_id: int) -> Path:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.root.is_symlink() or self.root.stat().st_uid != os.getuid():  # a shared /tmp: made by someone else
            raise UnsafeFolder(f"the upload folder {self.root} is not this server's own (a symlink or another owner)")
        folder = self.root / str(int(organizer_id))
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def keep(self, organizer_id: int, suffix: str, data: bytes) -> tuple[str, Path]:
        """Store `data` for `organizer_id`: its token and path. Old files of that organizer are swept first."""
        if suffix not in SUFFIXES or len(data) > MAX_FILE_BYTES:
            raise ValueError("an upload is checked before it is kept")
        folder = self._folder(organizer_id)
        self._sweep(folder)
        token = secrets.token_urlsafe(32)
        path = folder / f"{token}{suffix}"
        with path.open("xb") as handle:  # x: never overwrite
            handle.write(data)
        return token, path

    def find(self, organizer_id: int, token: str) -> Path | None:
        """The file `token` of `organizer_id`, when it is still there and fresh."""
        if not TOKEN_RE.fullmatch(token):
            return None
        folder = self._folder(organizer_id)
        for suffix in SUFFIXES:
            path = folder / f"{token}{suffix}"
            if path.is_file() and time.time() - path.stat().st_mtime < LIFETIME_SECONDS:
                return path
        return None

    @staticmethod
    def discard(path: Path) -> None:
        path.unlink(missing_ok=True)

    @staticmethod
    def _sweep(folder: Path) -> None:
        limit = time.time() - LIFETIME_SECONDS
        for path in folder.iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:  # swept by another process meanwhile
                continue
