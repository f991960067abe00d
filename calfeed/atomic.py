"""Write a file so that every reader sees either the old bytes or the new ones, never a part.

Layer: bottom (standard library only); file I/O, no Flask.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object], *, mode: int | None = None) -> None:
    """Write ``data`` beside ``path`` and rename it into place. The bytes reach the disk before the
    rename (fsync), so after a power cut the file is the old one or the new one, never empty.
    ``data`` may be a function that writes into the open file (a large document, never whole in
    memory). ``mode`` sets the permissions (e.g. those of the file replaced); by default mkstemp's 0600."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


Signature = tuple[int, int, int]  # (mtime_ns, size, inode): a file replaced or rewritten gets a new one


def stat_signature(st: os.stat_result) -> Signature:
    """What tells one state of a file from the next (``os.stat`` or ``os.fstat`` of an open file)."""
    return (st.st_mtime_ns, st.st_size, st.st_ino)
