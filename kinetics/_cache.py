"""The user's cache folder: what hc-kinetics keeps between processes to start faster.

One folder, ``platformdirs.user_cache_dir("hc-kinetics")`` (``~/.cache/hc-kinetics`` on Linux),
or ``$KINETICS_CACHE_DIR``; ``KINETICS_NO_CACHE=1`` turns every cache off and ``kinetics cache
clear`` empties it. Only a folder that the user owns and that nobody else can write is used
(what is loaded from it is executable: pint's parsed unit definitions are pickles); a folder
that cannot be made so, or written, turns the cache off with one warning saying why, and the run
goes on without it.
"""

from __future__ import annotations

import os
import shutil
import stat
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
    return _usable(root() / part)


@cache
def _usable(path: Path) -> Path | None:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        why = _unsafe(path)
        if why is None:
            probe = path / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as e:
        why = f"it cannot be written ({e.strerror or e})"
    if why is not None:
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


def clear() -> Path:
    """Remove the cache folder and everything in it; returns where it was."""
    where = root()
    shutil.rmtree(where, ignore_errors=True)
    _usable.cache_clear()
    return where
