"""Write files so that readers see either the old bytes or the new ones, never a mix."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _mode_for(path: Path) -> int:
    # Keep the mode of the file being replaced; a new file gets what the umask allows.
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, _mode_for(path))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return tmp_name


def write_atomic_all(files: Iterable[tuple[Path, bytes]]) -> None:
    """Write every file to a temp file first, and rename them into place only once all exist.

    A failure while writing (a full disk, a directory in the way) then leaves every target
    as it was, so an artifact and its summary are replaced together or not at all.
    """
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            written.append((_write_temp(path, data), path))
        for tmp_name, path in written:
            os.replace(tmp_name, path)
    except BaseException:
        for tmp_name, _ in written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        raise
    for directory in {path.parent for _, path in written}:
        _fsync_directory(directory)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync, then rename over `path`."""
    write_atomic_all([(path, data)])


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
