"""Files that appear only once complete: written beside their target, renamed."""

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def new_file_mode(path, default=0o666):
    """Permissions of the file about to replace ``path``: the old file's, or
    what the umask allows (temporary files are private: 0o600, 0o700).

    Examples
    --------
    >>> import os, tempfile
    >>> from skcorr.utils.files import new_file_mode
    >>> path = os.path.join(tempfile.mkdtemp(), "kept")
    >>> open(path, "w").close(); os.chmod(path, 0o640)
    >>> oct(new_file_mode(path))
    '0o640'
    """
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(path).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return default & ~umask


@contextlib.contextmanager
def atomic_file(path, mode="w", *, suffix=".tmp", **open_params):
    """Open a file that appears at ``path`` only once the block succeeds.

    It is written to a hidden temporary file in the same folder and moved onto
    ``path`` with :func:`os.replace`, with the permissions of the file it
    replaces (or those the umask gives a new file); on any exception, an
    interrupt included, the temporary file is removed and ``path`` is left
    as it was.

    Parameters
    ----------
    path : str or Path
    mode : {"w", "wb"}, default="w"
    suffix : str, default=".tmp"
        Of the temporary file's name.
    **open_params
        Passed to :func:`tempfile.NamedTemporaryFile` (``encoding``,
        ``newline``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skcorr.utils.files import atomic_file
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(path, encoding="utf-8") as handle:
    ...     _ = handle.write("done")
    >>> path.read_text()
    'done'
    """
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(
        mode, dir=path.parent, prefix=f".{path.name}.", suffix=suffix, delete=False,
        **open_params,
    )
    try:
        with handle:
            yield handle
        os.chmod(handle.name, new_file_mode(path))
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise
