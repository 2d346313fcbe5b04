"""Write files so that readers see either the old bytes or the new ones, never a mix."""

from __future__ import annotations

import contextlib
import hashlib
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


class ArtifactFile:
    """The artifact written graph by graph to a temp file beside it, hashed as it goes.

    `commit` renames it into place together with the summary; leaving the `with` block
    without committing (an error) deletes the temp files and leaves the old artifact.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sha256 = hashlib.sha256()
        self.lines = 0
        self._tmp: str | None = None

    def __enter__(self) -> ArtifactFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                         dir=self.path.parent)
        self._file = os.fdopen(fd, "wb")
        return self

    def write(self, lines: list[str]) -> None:
        data = "".join(lines).encode("utf-8")
        self.sha256.update(data)
        self._file.write(data)
        self.lines += len(lines)

    def commit(self, summary_path: Path, summary: bytes) -> None:
        assert self._tmp is not None
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.chmod(self._tmp, _mode_for(self.path))
        summary_tmp = _write_temp(summary_path, summary)
        try:
            os.replace(self._tmp, self.path)
            os.replace(summary_tmp, summary_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(summary_tmp)
            raise
        self._tmp = None
        for directory in {self.path.parent, summary_path.parent}:
            _fsync_directory(directory)

    def __exit__(self, *exc: object) -> None:
        if not self._file.closed:
            self._file.close()
        if self._tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._tmp)
