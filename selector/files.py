"""Reading input files and writing output files without hanging, overreading or half-writing.

Every input file is read through :func:`read_bounded`: a FIFO, device or socket is
refused before anything is read from it (opening is non-blocking, and the open file is
checked again, so a file swapped after the check is caught too), and no more than the
size limit is ever read, so ``/dev/zero`` or a huge file cannot exhaust memory.

Every output file is written through :func:`write_atomically`: to a temporary file in
the same folder, renamed over the target only when complete, with the permissions any
new file gets (the umask), never over one of the command's own inputs.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable


class NotRegularFile(OSError):
    """The path names a FIFO, device, socket or other file that is not a regular file."""


class TooLarge(OSError):
    """The file is larger than the limit; ``size`` is what was found (at least limit + 1)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"larger than the limit ({size} bytes)")
        self.size = size


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises FileNotFoundError, IsADirectoryError, :class:`NotRegularFile`,
    :class:`TooLarge` or another OSError; never blocks on a FIFO.
    """
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(str(path))
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFile(str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        raise TooLarge(len(data))
    return data


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.abspath(a)) == Path(os.path.abspath(b))


#: Folders of special files: nothing is written there, whatever the entry looks like.
_SPECIAL = ("/dev/", "/proc/")


def output_problem(output: Path, inputs: Iterable[Path] = ()) -> tuple[str, str | None] | None:
    """Why ``output`` cannot be written (problem, hint), or None: a folder, a device, an input, no folder.

    A symlink is judged by what it points to (and :func:`write_atomically` writes there).
    """
    for source in inputs:
        if _same_file(output, Path(source)):
            return "is one of this command's inputs; writing the report there would replace it", "choose another file"
    real = os.path.realpath(output)
    not_regular = "is not a regular file", "give a file name (without --output the report goes to standard output)"
    if real.startswith(_SPECIAL):
        return not_regular
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as error:
        return f"cannot use it: {error.strerror or error}", None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            return "is a directory", "give a file name"
        if not stat.S_ISREG(info.st_mode):
            return not_regular
    if not Path(real).parent.is_dir():
        return "folder does not exist", None
    return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(output: Path, text: str) -> None:
    """Write the text to ``output`` whole or not at all, with the mode a new file gets (0666 minus the umask).

    Raises OSError when the folder cannot be written; nothing is left behind then.
    """
    target = os.path.realpath(output)  # a symlink is written through, not replaced
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".selector-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
