"""Writing outputs safely: a file is written completely or not at all, a user's file is never
replaced, and an output folder is new, complete or absent.

Every command that writes goes through these three helpers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import InvalidValueError


def write_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` completely or not at all (temporary file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_new(path: str | os.PathLike, text: str) -> Path:
    """:func:`write_atomic` to a path that does not exist yet (never replaces a file)."""
    path = Path(path)
    if path.exists():
        raise InvalidValueError("path", str(path), "a file that does not exist yet")
    return write_atomic(path, text)


def fresh_folder(path: str | os.PathLike) -> Path:
    """``path`` if it does not exist or is an empty folder, else the first free ``path-N``."""
    path = Path(path)
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return path
    n = 2
    while Path(f"{path}-{n}").exists():
        n += 1
    return Path(f"{path}-{n}")


@contextmanager
def output_folder(path: str | os.PathLike) -> Iterator[tuple[Path, Path]]:
    """A new output folder, written completely or not at all.

    Yields ``(work, final)``: write into ``work`` (a hidden temporary folder next to the
    target); on leaving the block it is renamed to ``final`` (:func:`fresh_folder` of ``path``,
    so an existing folder is never touched). If the block raises, nothing is left behind.
    Paths recorded inside the outputs should name ``final``.
    """
    final = fresh_folder(path)
    created = [p for p in (final.parent, *final.parent.parents) if not p.exists()]
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    except OSError as e:  # a parent that is a file, or a folder we may not write in
        _remove_empty(created)
        raise InvalidValueError("--out", str(path), f"a folder that can be created ({e.strerror or e})") from None
    try:
        yield work, final
        if final.exists():
            final.rmdir()  # empty by construction of fresh_folder
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        _remove_empty(created)
        raise


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders an output created on its way (deepest first), if they are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return
