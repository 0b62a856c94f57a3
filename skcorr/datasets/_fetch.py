"""Downloading public data sets into a local data home, checked by checksum.

Only the standard library is used (``urllib``). A download is written to a
temporary file beside its target, hashed while it streams, checked against
its checksum (SHA-256, or the MD5 a provider publishes when that is all it
publishes) and renamed into place only when complete and correct: an
interrupted or failed download leaves no half file behind, and a file whose
checksum does not match is removed.
"""

import hashlib
import http.client
import os
import re
import shutil
import urllib.request
import warnings
from pathlib import Path

from ..utils.files import atomic_file
from ..utils.fixes import validate_params

DATA_HOME_ENVIRONMENT = "SKCORR_DATA"
_CHUNK = 1 << 16
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")


class UnverifiedDownloadWarning(UserWarning):
    """A file was used without a known checksum to check it against.

    Raised by the fetchers when no checksum is known for a file (neither
    bundled with skcorr nor passed as ``sha256=``): the file is used as
    downloaded, its integrity unchecked. Pass the checksum published by the
    data's provider (or one you computed from a trusted copy) to silence it.
    """


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
def get_data_home(data_home=None):
    """Return the folder where skcorr keeps downloaded data, creating it.

    As :func:`sklearn.datasets.get_data_home`: ``data_home`` when given,
    otherwise the environment variable ``SKCORR_DATA``, otherwise
    ``~/skcorr_data``. A leading ``~`` is expanded.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use; None for the default described above.

    Returns
    -------
    data_home : str
        The folder, which exists on return.

    Raises
    ------
    ValueError
        If ``data_home`` (or ``SKCORR_DATA``) is an empty string or names an
        existing file rather than a folder.

    Examples
    --------
    >>> import tempfile
    >>> from skcorr.datasets import get_data_home
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     get_data_home(folder) == folder
    True
    """
    source = "data_home"
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENVIRONMENT)
        source = f"the environment variable {DATA_HOME_ENVIRONMENT}"
        if data_home is None:
            data_home = os.path.join("~", "skcorr_data")
    data_home = os.fspath(data_home)
    if not data_home.strip():
        raise ValueError(
            f"{source} is an empty string; give a folder for skcorr's data "
            f"(or unset {DATA_HOME_ENVIRONMENT} for ~/skcorr_data)."
        )
    data_home = os.path.expanduser(data_home)
    if os.path.exists(data_home) and not os.path.isdir(data_home):
        raise ValueError(
            f"{source} names the file {data_home!r}, not a folder; give a folder "
            "for skcorr's data."
        )
    os.makedirs(data_home, exist_ok=True)
    return data_home


@validate_params(
    {"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True
)
def clear_data_home(data_home=None):
    """Delete everything in the data home (see :func:`get_data_home`).

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to empty; None for the default of :func:`get_data_home`.

    Examples
    --------
    >>> import os, tempfile
    >>> from skcorr.datasets import clear_data_home, get_data_home
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     home = get_data_home(os.path.join(folder, "data"))
    ...     clear_data_home(home)
    ...     os.path.exists(home)
    False
    """
    shutil.rmtree(get_data_home(data_home))


def check_sha256(sha256, name="sha256"):
    """``sha256`` as lower-case hex, or None; a clear error otherwise."""
    if sha256 is None:
        return None
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise ValueError(
            f"{name} must be a SHA-256 checksum (64 hexadecimal digits, as printed "
            f"by `sha256sum FILE`) or None; got {sha256!r}."
        )
    return sha256.lower()


def check_md5(md5, name="md5"):
    """``md5`` as lower-case hex, or None; a clear error otherwise."""
    if md5 is None:
        return None
    if not isinstance(md5, str) or not _HEX32.fullmatch(md5):
        raise ValueError(
            f"{name} must be an MD5 checksum (32 hexadecimal digits, as printed by "
            f"`md5sum FILE`) or None; got {md5!r}."
        )
    return md5.lower()


def _expected_digests(sha256, md5):
    """``{algorithm: expected hex}`` of the checksums to verify: SHA-256 when
    known, else the provider's MD5 (which detects corruption and truncation;
    HTTPS guards the transfer)."""
    if sha256 is not None:
        return {"SHA-256": sha256}
    if md5 is not None:
        return {"MD5": md5}
    return {}


def _new_hashers(expected):
    return {
        name: hashlib.sha256() if name == "SHA-256" else hashlib.md5()
        for name in expected
    }


def file_sha256(path):
    """The SHA-256 of a file, as lower-case hex."""
    return _file_digests(path, {"SHA-256": None})["SHA-256"]


def _file_digests(path, expected):
    hashers = _new_hashers(expected)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            for hasher in hashers.values():
                hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _mismatch(actual, expected):
    """The first ``(algorithm, actual, expected)`` that differs, or None."""
    for name, value in expected.items():
        if actual[name] != value:
            return name, actual[name], value
    return None


def _by_hand(url, path, data_home):
    home = f"the data home is {data_home}; " if data_home is not None else ""
    return (
        f"Without a network, download {url} on another machine and copy it to "
        f"{path} ({home}set data_home= or {DATA_HOME_ENVIRONMENT} to use another "
        "folder)."
    )


def write_atomically(path):
    """Yield a binary file that becomes ``path`` only if the block succeeds
    (see :func:`skcorr.utils.files.atomic_file`)."""
    return atomic_file(path, "wb", suffix=".part")


def _content_length(response):
    """The length the server announced, or None (not every server does)."""
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length") if headers is not None else None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _warn_unverified(url, path):
    warnings.warn(
        f"No SHA-256 (or MD5) checksum is known for {url}: {path} is used "
        "without checking its integrity. Pass sha256= with the checksum "
        "published by the data's provider to verify it.",
        UnverifiedDownloadWarning,
        stacklevel=4,
    )


def fetch_file(
    url, path, *, sha256=None, md5=None, download_if_missing=True, data_home=None,
    timeout=60,
):
    """Return ``path``, downloading it from ``url`` first if it is missing.

    The file is checked against ``sha256`` when given, otherwise against
    ``md5`` (the only checksum some providers publish, e.g. GroupLens), and
    used unverified with an :class:`UnverifiedDownloadWarning` when neither
    is known. A present file is checked too (a file placed by hand) and never
    overwritten. A download streams into a temporary
    file in the same folder, is hashed as it arrives, and is renamed to
    ``path`` only when complete and matching; on any failure (network error,
    wrong checksum, ``KeyboardInterrupt``) the temporary file is removed.

    Raises
    ------
    OSError
        If the file is missing and ``download_if_missing`` is False, or the
        download fails (the message names the URL, the target file and how to
        place it by hand).
    ValueError
        If the downloaded or present file does not match its checksum (a
        download is removed; a present file is left for you to delete).
    """
    path = Path(path)
    expected = _expected_digests(sha256, md5)
    if path.is_file():
        if not expected:
            _warn_unverified(url, path)
        else:
            wrong = _mismatch(_file_digests(path, expected), expected)
            if wrong is not None:
                name, actual, value = wrong
                raise ValueError(
                    f"{path} has {name} {actual}, expected {value}: the file is "
                    f"corrupt or not the one published at {url}. Delete it and "
                    "call again to download it anew."
                )
        return path
    if not download_if_missing:
        raise OSError(
            f"{path} is not in the data home and download_if_missing=False. "
            + _by_hand(url, path, data_home)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with write_atomically(path) as handle:
        hashers = _new_hashers(expected)
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                announced = _content_length(response)
                received = 0
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    handle.write(chunk)
                    for hasher in hashers.values():
                        hasher.update(chunk)
                    received += len(chunk)
            if announced is not None and received != announced:
                raise OSError(
                    f"the connection closed after {received} of {announced} bytes"
                )
        except (OSError, ValueError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", error)
            raise OSError(
                f"Could not download {url} ({reason}). "
                + _by_hand(url, path, data_home)
            ) from error
        actual = {name: hasher.hexdigest() for name, hasher in hashers.items()}
        wrong = _mismatch(actual, expected)
        if wrong is not None:
            name, actual, value = wrong
            raise ValueError(
                f"The file downloaded from {url} has {name} {actual}, expected "
                f"{value}; it was removed. The download was corrupted or the file "
                "changed at its source: try again, or pass the right sha256=."
            )
    if not expected:
        _warn_unverified(url, path)
    return path
