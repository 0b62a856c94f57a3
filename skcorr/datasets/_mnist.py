"""MNIST digits, downloaded once as the classic idx files and read with numpy."""

import gzip
import os
import zlib
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ..utils.fixes import StrOptions, validate_params
from ._fetch import check_sha256, fetch_file, get_data_home

MNIST_BASE_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# The SHA-256 of each file as distributed (identical on LeCun's page and the
# mirrors), as recorded identically by several independent projects that
# download and verify MNIST (their MD5 sums, as torchvision lists them, are
# f68b3c2d..., d53e105e..., 9fb629c4..., ec29112d...). They could not be
# recomputed here (written without a network); the first real download checks
# them. Pass sha256={file name: checksum} to override one.
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

_DESCR = """\
MNIST handwritten digits (LeCun, Cortes, Burges)
------------------------------------------------

70,000 grey-scale images of 28 x 28 pixels (values 0..255) of the digits 0-9:
60,000 for training, 10,000 for testing. Read from the idx files
train-/t10k-images-idx3-ubyte.gz and train-/t10k-labels-idx1-ubyte.gz.

This copy: the {subset} set, {n_samples} images.

Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied
to document recognition", Proceedings of the IEEE 86(11), 1998.
"""


def _read_idx(path, expected_ndim):
    """The array stored in a gzipped idx file (unsigned bytes only)."""
    try:
        with gzip.open(path, "rb") as handle:
            content = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(
            f"{path} is not a readable gzip file ({error}); delete it and call "
            "again to download it anew."
        ) from None
    if len(content) < 4 or content[:2] != b"\x00\x00" or content[2] != 0x08:
        raise ValueError(
            f"{path} is not an idx file of unsigned bytes (its header is "
            f"{content[:4].hex() or 'empty'}, expected 0000 08 0{expected_ndim}); "
            "delete it and call again."
        )
    ndim = content[3]
    if ndim != expected_ndim:
        raise ValueError(
            f"{path} holds a {ndim}-dimensional array, expected {expected_ndim} "
            f"({'images' if expected_ndim == 3 else 'labels'}); is it the right file?"
        )
    header = 4 + 4 * ndim
    if len(content) < header:
        raise ValueError(f"{path} is truncated inside its header; delete it.")
    shape = tuple(int(n) for n in np.frombuffer(content[4:header], dtype=">u4"))
    size = int(np.prod(shape))
    if len(content) - header != size:
        raise ValueError(
            f"{path} declares shape {shape} ({size} bytes) but holds "
            f"{len(content) - header} bytes of data; it is truncated or corrupt: "
            "delete it and call again."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)


def _check_checksums(sha256):
    if sha256 is None:
        return dict(MNIST_SHA256)
    unknown = sorted(set(sha256) - set(MNIST_SHA256), key=str)
    if unknown:
        raise ValueError(
            f"sha256 names unknown files {unknown}; the MNIST files are "
            f"{sorted(MNIST_SHA256)}."
        )
    checksums = dict(MNIST_SHA256)
    for name, value in sha256.items():
        checksums[name] = check_sha256(value, f"sha256[{name!r}]")
    return checksums


@validate_params(
    {
        "subset": [StrOptions({"train", "test", "all"})],
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "return_X_y": ["boolean"],
        "base_url": [str, None],
        "sha256": [dict, None],
    },
    prefer_skip_nested_validation=True,
)
def fetch_mnist(
    *,
    subset="train",
    data_home=None,
    download_if_missing=True,
    return_X_y=False,
    base_url=None,
    sha256=None,
):
    """Load the MNIST digits, downloading the idx files on first use.

    The four gzipped idx files are downloaded once into
    ``<data_home>/mnist/`` (from the mirror torchvision uses,
    ``https://ossci-datasets.s3.amazonaws.com/mnist/``); later calls read the
    local copies without a network. Only the standard library is used to
    download.

    Parameters
    ----------
    subset : {"train", "test", "all"}, default="train"
        The 60,000 training images, the 10,000 test images, or both (training
        first).
    data_home : str or path-like, default=None
        Where downloaded data live; None for :func:`get_data_home`'s default
        (``SKCORR_DATA`` or ``~/skcorr_data``).
    download_if_missing : bool, default=True
        Download missing files; if False, a missing file raises
        :class:`OSError`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    base_url : str, default=None
        The folder URL the files are downloaded from (file names appended);
        None for the default mirror.
    sha256 : dict, default=None
        ``{file name: SHA-256}`` for any of the four files, e.g.
        ``{"train-images-idx3-ubyte.gz": "..."}``; files not named are
        checked against the bundled ``MNIST_SHA256``, the SHA-256 of the files
        as distributed (whatever ``base_url`` serves them). A value of None
        uses that file unverified, with an
        :class:`~skcorr.datasets.UnverifiedDownloadWarning`.

    Returns
    -------
    data : Bunch
        - ``data``: ndarray of shape (n_samples, 784), uint8, one flattened
          image a row;
        - ``images``: ndarray of shape (n_samples, 28, 28), uint8, the same
          pixels as images;
        - ``target``: ndarray of shape (n_samples,), int64, the digits;
        - ``DESCR``: a description of the data.
    (data, target) : tuple if ``return_X_y`` is True

    Raises
    ------
    OSError
        If a file is missing and cannot be downloaded (offline, or
        ``download_if_missing=False``); the message names the URL, the data
        home and where to put the file by hand.
    ValueError
        If a checksum is not 64 hexadecimal digits or names an unknown file;
        if a file does not match its checksum (a fresh download is removed);
        if a file is not a gzipped idx file of the expected shape, or images
        and labels differ in number.

    Warns
    -----
    UnverifiedDownloadWarning
        For each file whose checksum is given as None in ``sha256``.

    Notes
    -----
    Downloads stream into a temporary file beside the target and are renamed
    only once complete and checked, so an interrupted download leaves no half
    file. Place the ``.gz`` files in ``<data_home>/mnist/`` by hand to work
    offline.

    Examples
    --------
    >>> import gzip, hashlib, tempfile
    >>> import numpy as np
    >>> from pathlib import Path
    >>> from skcorr.datasets import fetch_mnist
    >>> def idx(array):
    ...     header = bytes([0, 0, 8, array.ndim])
    ...     header += np.asarray(array.shape, dtype=">u4").tobytes()
    ...     return gzip.compress(header + array.astype(np.uint8).tobytes())
    >>> with tempfile.TemporaryDirectory() as home:  # two images, placed by hand
    ...     folder = Path(home) / "mnist"
    ...     folder.mkdir()
    ...     files = {"t10k-images-idx3-ubyte.gz": idx(np.zeros((2, 28, 28))),
    ...              "t10k-labels-idx1-ubyte.gz": idx(np.array([7, 2]))}
    ...     for name, content in files.items():
    ...         _ = (folder / name).write_bytes(content)
    ...     checksums = {name: hashlib.sha256(content).hexdigest()
    ...                  for name, content in files.items()}
    ...     X, y = fetch_mnist(subset="test", data_home=home, return_X_y=True,
    ...                        download_if_missing=False, sha256=checksums)
    >>> X.shape, y
    ((2, 784), array([7, 2]))
    """
    checksums = _check_checksums(sha256)
    base = MNIST_BASE_URL if base_url is None else base_url
    if not base.endswith("/"):
        base += "/"
    home = get_data_home(data_home)
    folder = Path(home) / "mnist"
    parts = ("train", "test") if subset == "all" else (subset,)
    images, labels = [], []
    for part in parts:
        paths = [
            fetch_file(
                base + name,
                folder / name,
                sha256=checksums[name],
                download_if_missing=download_if_missing,
                data_home=home,
            )
            for name in MNIST_FILES[part]
        ]
        part_images = _read_idx(paths[0], 3)
        part_labels = _read_idx(paths[1], 1)
        if len(part_images) != len(part_labels):
            raise ValueError(
                f"{paths[0]} holds {len(part_images)} images but {paths[1]} "
                f"{len(part_labels)} labels; one of them is not from this set: "
                "delete both and call again."
            )
        images.append(part_images)
        labels.append(part_labels)
    images = np.concatenate(images)
    target = np.concatenate(labels).astype(np.int64)
    data = images.reshape(len(images), -1)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        images=images,
        target=target,
        DESCR=_DESCR.format(subset=subset, n_samples=len(data)),
    )
