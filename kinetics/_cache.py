"""The user's cache folder: what hc-kinetics keeps between processes to start faster.

What is kept: pint's parsed unit definitions (``pint-<version>/``, :func:`kinetics.units.registry`)
and each OCP's verified inverse (``ocp-inverse/``, :mod:`kinetics.engine.build`: the search for
the cheapest accurate Newton inverse takes 0.1–0.2 s per electrode, checking a stored one a few
ms). One folder, ``platformdirs.user_cache_dir("hc-kinetics")`` (``~/.cache/hc-kinetics`` on Linux),
or ``$KINETICS_CACHE_DIR``; ``KINETICS_NO_CACHE=1`` turns every cache off and ``kinetics cache
clear`` empties it. Only a folder that the user owns and that nobody else can write is used
(what is loaded from it is executable: pint's parsed unit definitions are pickles); a folder
that cannot be made so, or written, turns the cache off with one warning saying why, and the run
goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import warnings
from functools import cache
from pathlib import Path

from .errors import SimulationWarning

OFF_VARIABLE = "KINETICS_NO_CACHE"
FOLDER_VARIABLE = "KINETICS_CACHE_DIR"


def root() -> Path:
    """Where the cache lives (whether or not it is usable)."""
    given = os.environ.get(FOLDER_VARIABLE)
    if given:
        return Path(given).expanduser()
    import platformdirs  # a few ms, needed only here

    return Path(platformdirs.user_cache_dir("hc-kinetics", appauthor=False))


def disabled() -> bool:
    return os.environ.get(OFF_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def folder(part: str) -> Path | None:
    """The cache's sub-folder ``part``, created if needed, or None when caching is off or the
    folder is not safe to use (see the module docstring)."""
    if disabled():
        return None
    return _usable(root(), part)


_WARNED: set[Path] = set()


@cache
def _usable(top: Path, part: str) -> Path | None:
    path = top / part
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        # the folder and the cache's own folders above it: whoever can write one can replace it
        why = next(filter(None, (_unsafe(p) for p in (path, *path.parents) if p == top or top in p.parents)), None)
        if why is None:
            probe = path / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as e:
        why = f"it cannot be written ({e.strerror or e})"
    if why is not None:
        if top in _WARNED:
            return None
        _WARNED.add(top)
        warnings.warn(f"hc-kinetics runs without its cache: {path} {why}; set {FOLDER_VARIABLE} to a private "
                      f"folder, or {OFF_VARIABLE}=1 to silence this", SimulationWarning, stacklevel=3)
        return None
    return path


def _unsafe(path: Path) -> str | None:
    """Why ``path`` must not be trusted, or None."""
    info = path.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return None


def key(*parts: object) -> str:
    """A file name for an entry: the SHA-256 of everything that decides its content."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def read_json(part: str, name: str) -> object | None:
    """The JSON entry ``name`` of ``part``, or None (caching off, absent, unreadable). JSON is not
    executable, but it may be stale, foreign or corrupt: the caller verifies what it reads
    before using it, and rebuilds on doubt."""
    where = folder(part)
    if where is None:
        return None
    try:
        return json.loads((where / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(part: str, name: str, value: object) -> None:
    """Store ``value`` as entry ``name`` of ``part``, whole or not at all (written to a temporary
    file, then renamed: a process reading at the same time sees the old entry or the new one).
    A cache that cannot be written is skipped."""
    where = folder(part)
    if where is None:
        return
    try:
        with tempfile.NamedTemporaryFile("w", dir=where, suffix=".tmp", delete=False, encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(f.name, where / f"{name}.json")
    except OSError:
        return


def clear() -> Path:
    """Remove the cache folder and everything in it; returns where it was."""
    where = root()
    shutil.rmtree(where, ignore_errors=True)
    _usable.cache_clear()
    _WARNED.clear()
    return where
