"""MovieLens 100K ratings, read from a local copy of the GroupLens file."""

import os
import shutil
import zipfile
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils.fixes import Interval, validate_params
from ._fetch import check_sha256, fetch_file, get_data_home, write_atomically

MOVIELENS_100K_URL = "https://grouplens.org/datasets/movielens/100k/"
_FIELDS = ("user id", "item id", "rating", "timestamp")

_DESCR = """\
MovieLens 100K (GroupLens Research, University of Minnesota)
-------------------------------------------------------------

100,000 ratings (1 to 5 stars) from 943 users on 1,682 movies, collected
through the MovieLens web site from September 1997 to April 1998; every user
rated at least 20 movies. Read from the file u.data (user id, item id, rating,
timestamp; tab-separated; ids start at 1).

This copy: {n_ratings} ratings from {n_users} users on {n_items} items{subset}.
X holds 0-based codes of (user, item); user_ids and item_ids map them back to
the GroupLens ids.

The data are not bundled with skcorr (the GroupLens licence forbids
redistribution); download ml-100k.zip from {url} and unzip it.

F. M. Harper, J. A. Konstan, "The MovieLens Datasets: History and Context",
ACM Transactions on Interactive Intelligent Systems 5(4), 2015.
"""


def _resolve(path):
    path = Path(path)
    if path.is_dir():
        if not (path / "u.data").is_file():
            raise FileNotFoundError(
                f"No u.data in the folder {path}. Pass the u.data file itself or the "
                f"unzipped ml-100k folder holding it (from {MOVIELENS_100K_URL})."
            )
        return path / "u.data"
    if not path.is_file():
        raise FileNotFoundError(
            f"No such file: {path}. Download ml-100k.zip from {MOVIELENS_100K_URL}, "
            "unzip it and pass ml-100k/u.data (or the folder)."
        )
    return path


def _integers(column, name, line_numbers, path):
    """``column`` (strings) as int64, naming the first line that is not one."""
    try:
        return column.astype(np.int64)
    except ValueError:
        for text, line in zip(column, line_numbers, strict=True):
            try:
                int(text)
            except ValueError:
                raise ValueError(
                    f"{path} line {line}: the {name} must be an integer; "
                    f"got {str(text)!r}."
                ) from None
        raise  # pragma: no cover - astype and int() disagree


def _read_u_data(path):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not a text file; expected the MovieLens u.data file "
            "(user id, item id, rating, timestamp; tab-separated)."
        ) from None
    rows, line_numbers = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != len(_FIELDS):
            raise ValueError(
                f"{path} line {number}: expected {len(_FIELDS)} tab-separated fields "
                f"({', '.join(_FIELDS)}); got {len(fields)}: {line.strip()!r}."
            )
        rows.append(fields)
        line_numbers.append(number)
    if not rows:
        raise ValueError(f"{path} holds no ratings.")
    table = np.asarray(rows)
    users, items, timestamps = (
        _integers(table[:, column], _FIELDS[column], line_numbers, path)
        for column in (0, 1, 3)
    )
    try:
        ratings = table[:, 2].astype(np.float64)
    except ValueError:
        ratings = None
    bad = (
        np.arange(len(table)) if ratings is None
        else np.flatnonzero(~((ratings >= 1) & (ratings <= 5)))
    )
    if len(bad):
        row = bad[0]
        raise ValueError(
            f"{path} line {line_numbers[row]}: ratings must be numbers from 1 to 5; "
            f"got {str(table[row, 2])!r}."
        )
    for ids, name in ((users, "user id"), (items, "item id")):
        bad = np.flatnonzero(ids < 1)
        if len(bad):
            raise ValueError(
                f"{path} line {line_numbers[bad[0]]}: the {name} must be at least 1 "
                f"(GroupLens ids start at 1); got {int(ids[bad[0]])}."
            )
    return users, items, ratings, timestamps


@validate_params(
    {
        "path": [str, os.PathLike],
        "max_users": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def load_movielens_100k(path, *, max_users=None, random_state=None):
    """Load the MovieLens 100K ratings from a local copy of ``u.data``.

    Nothing is downloaded (:func:`fetch_movielens_100k` downloads and caches
    the archive): fetch ``ml-100k.zip`` yourself from
    https://grouplens.org/datasets/movielens/100k/ (the GroupLens licence
    forbids redistributing it, so skcorr does not bundle it), unzip it, and
    pass ``ml-100k/u.data`` or the ``ml-100k`` folder. The rows come back in
    the format of the synthetic ratings of the reciprocity study, ready for a
    matrix factorisation with users as individuals (Sundararajan & Krichene,
    2022).

    Parameters
    ----------
    path : str or path-like
        The ``u.data`` file (``user id | item id | rating | timestamp``,
        tab-separated, ids starting at 1), or a folder holding it.
    max_users : int, default=None
        Keep the ratings of this many users drawn at random (all of them when
        None or when the file holds fewer): the full file has 100,000 ratings,
        a few hundred users give a quick study.
    random_state : int, RandomState instance or None, default=None
        Draws the users kept by ``max_users``.

    Returns
    -------
    data : Bunch
        - ``X``: ndarray of shape (n_ratings, 2), int64: 0-based codes of
          ``(user, item)``, numbered in the order of the GroupLens ids of the
          users and items present (on the full file, ``id - 1``);
        - ``y``: ndarray of shape (n_ratings, 1), float32: the ratings;
        - ``n_users``, ``n_items``: users and items present (the sizes of a
          model's embedding tables);
        - ``user_ids``, ``item_ids``: the GroupLens id of each code;
        - ``timestamps``: ndarray of shape (n_ratings,), int64, Unix seconds;
        - ``DESCR``: a description of the data.

        Rows keep the order of the file.

    Raises
    ------
    FileNotFoundError
        If ``path`` is neither a file nor a folder holding ``u.data``.
    ValueError
        If a line has not four fields, an id or timestamp is not an integer,
        an id is below 1 or a rating is outside 1..5 (the message names the
        line).

    References
    ----------
    .. [1] F. M. Harper, J. A. Konstan, "The MovieLens Datasets: History and
       Context", ACM Transactions on Interactive Intelligent Systems 5(4),
       2015.
    .. [2] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from skcorr.datasets import load_movielens_100k
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "u.data").write_text(
    ...         "1\\t30\\t4\\t881250949\\n2\\t30\\t5\\t891717742\\n"
    ...         "1\\t7\\t2\\t878887116\\n")
    ...     data = load_movielens_100k(folder)
    >>> data.X
    array([[0, 1],
           [1, 1],
           [0, 0]])
    >>> data.y.ravel(), data.n_users, data.n_items, data.item_ids
    (array([4., 5., 2.], dtype=float32), 2, 2, array([ 7, 30]))
    """
    file = _resolve(path)
    users, items, ratings, timestamps = _read_u_data(file)
    subset = ""
    if max_users is not None and max_users < len(np.unique(users)):
        rng = check_random_state(random_state)
        kept = rng.choice(np.unique(users), max_users, replace=False)
        rows = np.isin(users, kept)
        users, items, ratings, timestamps = (
            values[rows] for values in (users, items, ratings, timestamps)
        )
        subset = f" ({max_users} users drawn at random)"
    user_ids, user_codes = np.unique(users, return_inverse=True)
    item_ids, item_codes = np.unique(items, return_inverse=True)
    X = np.column_stack([user_codes, item_codes]).astype(np.int64)
    description = _DESCR.format(
        n_ratings=len(X), n_users=len(user_ids), n_items=len(item_ids),
        subset=subset, url=MOVIELENS_100K_URL,
    )
    return Bunch(
        X=X,
        y=ratings.astype(np.float32)[:, None],
        n_users=len(user_ids),
        n_items=len(item_ids),
        user_ids=user_ids,
        item_ids=item_ids,
        timestamps=timestamps,
        DESCR=description,
    )


MOVIELENS_100K_ZIP_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
# GroupLens publishes only an MD5 of the archive (ml-100k.zip.md5 beside it);
# the value below is that published sum, as recorded identically by several
# independent projects that download the archive. No SHA-256 is published
# and none could be computed here (written without a network), so none is
# invented: the fetcher verifies the MD5, which detects a corrupt, truncated
# or replaced file (HTTPS guards the transfer). Pass sha256= to verify the
# archive by SHA-256 instead.
MOVIELENS_100K_SHA256 = None
MOVIELENS_100K_MD5 = "0e33842e24a9c977be4e0107933c0723"


def _extract_u_data(archive, target):
    """Extract ml-100k/u.data from ``archive`` to ``target``, atomically."""
    try:
        with zipfile.ZipFile(archive) as opened:
            names = [
                name for name in opened.namelist()
                if name == "u.data" or name.endswith("/u.data")
            ]
            if not names:
                raise ValueError(
                    f"{archive} holds no u.data; it is not the MovieLens 100K "
                    f"archive ({MOVIELENS_100K_ZIP_URL}). Delete it and call again."
                )
            member = "ml-100k/u.data" if "ml-100k/u.data" in names else names[0]
            with write_atomically(target) as handle, opened.open(member) as source:
                shutil.copyfileobj(source, handle)
    except zipfile.BadZipFile:
        raise ValueError(
            f"{archive} is not a zip archive; expected ml-100k.zip from "
            f"{MOVIELENS_100K_ZIP_URL}. Delete it and call again."
        ) from None


@validate_params(
    {
        "data_home": [str, os.PathLike, None],
        "download_if_missing": ["boolean"],
        "max_users": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "url": [str, None],
        "sha256": [str, None],
    },
    prefer_skip_nested_validation=True,
)
def fetch_movielens_100k(
    *,
    data_home=None,
    download_if_missing=True,
    max_users=None,
    random_state=None,
    url=None,
    sha256=None,
):
    """Load MovieLens 100K, downloading ``ml-100k.zip`` on first use.

    The archive is downloaded once from GroupLens into
    ``<data_home>/movielens/ml-100k.zip``, its ``u.data`` extracted beside it,
    and later calls read the local copy without a network. The rows are read
    by :func:`load_movielens_100k` (which reads a copy you downloaded
    yourself). Only the standard library is used to download.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Where downloaded data live; None for :func:`get_data_home`'s default
        (``SKCORR_DATA`` or ``~/skcorr_data``).
    download_if_missing : bool, default=True
        Download the archive when it is not in the data home; if False, a
        missing archive raises :class:`OSError`.
    max_users : int, default=None
        As in :func:`load_movielens_100k`.
    random_state : int, RandomState instance or None, default=None
        As in :func:`load_movielens_100k`.
    url : str, default=None
        Where to download the archive from; None for GroupLens'
        ``https://files.grouplens.org/datasets/movielens/ml-100k.zip`` (a
        mirror, or a local server in tests).
    sha256 : str, default=None
        The SHA-256 the archive must have (64 hexadecimal digits). None
        verifies the archive against the MD5 that GroupLens publishes beside
        it (``MOVIELENS_100K_MD5``, bundled; GroupLens publishes no SHA-256),
        whatever ``url`` it comes from (a mirror serves the same archive).

    Returns
    -------
    data : Bunch
        As :func:`load_movielens_100k`.

    Raises
    ------
    OSError
        If the archive is missing and cannot be downloaded (offline, or
        ``download_if_missing=False``); the message names the URL, the data
        home and where to put the file by hand.
    ValueError
        If ``sha256`` is not 64 hexadecimal digits; if the archive does not
        match ``sha256`` (a fresh download is removed); if the archive is not
        a zip or holds no ``u.data``; or as :func:`load_movielens_100k` for a
        malformed ``u.data``.

    Notes
    -----
    A download streams into a temporary file beside the target and is renamed
    only once complete and checked, so an interrupted download leaves no half
    file; ``u.data`` is extracted the same way. Place ``ml-100k.zip`` in
    ``<data_home>/movielens/`` by hand to work offline.

    Examples
    --------
    >>> import hashlib, tempfile, zipfile
    >>> from pathlib import Path
    >>> from skcorr.datasets import fetch_movielens_100k
    >>> with tempfile.TemporaryDirectory() as home:
    ...     folder = Path(home) / "movielens"
    ...     folder.mkdir()
    ...     with zipfile.ZipFile(folder / "ml-100k.zip", "w") as archive:
    ...         archive.writestr("ml-100k/u.data", "1\\t30\\t4\\t881250949\\n")
    ...     checksum = hashlib.sha256((folder / "ml-100k.zip").read_bytes())
    ...     data = fetch_movielens_100k(  # placed by hand: nothing is downloaded
    ...         data_home=home, download_if_missing=False,
    ...         sha256=checksum.hexdigest())
    >>> data.X, data.y.ravel()
    (array([[0, 0]]), array([4.], dtype=float32))
    """
    checksum = check_sha256(MOVIELENS_100K_SHA256 if sha256 is None else sha256)
    home = get_data_home(data_home)
    folder = Path(home) / "movielens"
    archive = folder / "ml-100k.zip"
    fetch_file(
        MOVIELENS_100K_ZIP_URL if url is None else url,
        archive,
        sha256=checksum,
        md5=MOVIELENS_100K_MD5,
        download_if_missing=download_if_missing,
        data_home=home,
    )
    extracted = folder / "ml-100k" / "u.data"
    if not extracted.is_file():
        extracted.parent.mkdir(parents=True, exist_ok=True)
        _extract_u_data(archive, extracted)
    return load_movielens_100k(
        extracted, max_users=max_users, random_state=random_state
    )
