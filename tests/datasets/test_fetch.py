"""Fetchers against files served from 127.0.0.1: download, cache, checksums, offline."""

import gzip
import hashlib
import io
import os
import urllib.request
import warnings
import zipfile

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.datasets import (
    UnverifiedDownloadWarning,
    _fetch,
    _mnist,
    clear_data_home,
    fetch_mnist,
    fetch_movielens_100k,
    get_data_home,
    load_movielens_100k,
)

from .local_server import LocalServer, closed_port_url
from .movielens_files import write_u_data


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Requests to 127.0.0.1 must not go through a proxy set in the environment."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def _sha256(content):
    return hashlib.sha256(content).hexdigest()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def movielens(tmp_path_factory):
    """A small ml-100k.zip (a generated u.data inside) and its rows."""
    folder = tmp_path_factory.mktemp("ml")
    rows = write_u_data(folder / "u.data", n_users=12, n_items=20)
    content = _zip({"ml-100k/u.data": (folder / "u.data").read_bytes(),
                    "ml-100k/README": b"readme"})
    return content, rows


def _files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


# -- data home ---------------------------------------------------------------


def test_data_home_explicit_env_and_default(tmp_path, monkeypatch):
    explicit = tmp_path / "explicit"
    assert get_data_home(explicit) == str(explicit) and explicit.is_dir()
    monkeypatch.setenv("SKCORR_DATA", str(tmp_path / "from_env"))
    assert get_data_home() == str(tmp_path / "from_env")
    assert (tmp_path / "from_env").is_dir()
    monkeypatch.delenv("SKCORR_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_home() == str(tmp_path / "home" / "skcorr_data")
    assert get_data_home("~/other") == str(tmp_path / "home" / "other")
    clear_data_home(explicit)
    assert not explicit.exists()


def test_data_home_refuses_empty_and_files(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="data_home is an empty string"):
        get_data_home("  ")
    monkeypatch.setenv("SKCORR_DATA", "")
    with pytest.raises(ValueError, match="variable SKCORR_DATA is an empty"):
        get_data_home()
    file = tmp_path / "a_file"
    file.write_text("x")
    with pytest.raises(ValueError, match="names the file .*not a folder"):
        get_data_home(file)
    with pytest.raises(InvalidParameterError, match="data_home"):
        get_data_home(3)


# -- MovieLens ---------------------------------------------------------------


def test_movielens_download_checksum_and_cache(tmp_path, movielens):
    content, rows = movielens
    with LocalServer({"/ml-100k.zip": content}) as server:
        data = fetch_movielens_100k(
            data_home=tmp_path, url=server.url + "/ml-100k.zip",
            sha256=_sha256(content),
        )
        assert server.requests == ["/ml-100k.zip"]
        # the oracle: the rows written, read independently of the fetcher
        np.testing.assert_array_equal(data.X, rows[:, :2] - 1)
        np.testing.assert_array_equal(data.y.ravel(), rows[:, 2])
        archive = tmp_path / "movielens" / "ml-100k.zip"
        assert archive.read_bytes() == content
        assert _files_in(tmp_path) == ["ml-100k.zip", "u.data"]
        # second call: read from the data home, no request
        again = fetch_movielens_100k(
            data_home=tmp_path, url=server.url + "/ml-100k.zip",
            sha256=_sha256(content), max_users=5, random_state=0,
        )
        assert server.requests == ["/ml-100k.zip"]
    expected = load_movielens_100k(
        tmp_path / "movielens" / "ml-100k" / "u.data", max_users=5, random_state=0
    )
    np.testing.assert_array_equal(again.X, expected.X)
    assert again.n_users == 5


def test_movielens_checksum_mismatch_removes_the_download(tmp_path, movielens):
    content, _ = movielens
    wrong = _sha256(b"something else")
    with LocalServer({"/ml-100k.zip": content}) as server:
        with pytest.raises(ValueError, match=f"expected {wrong}; it was removed"):
            fetch_movielens_100k(
                data_home=tmp_path, url=server.url + "/ml-100k.zip", sha256=wrong
            )
        assert _files_in(tmp_path) == []
        # upper-case hex is the same checksum
        fetch_movielens_100k(
            data_home=tmp_path, url=server.url + "/ml-100k.zip",
            sha256=_sha256(content).upper(),
        )
        assert len(server.requests) == 2


def test_movielens_present_file_with_wrong_checksum_is_kept(tmp_path, movielens):
    content, _ = movielens
    folder = tmp_path / "movielens"
    folder.mkdir()
    (folder / "ml-100k.zip").write_bytes(b"not the archive")
    with pytest.raises(ValueError, match="corrupt or not the one.*Delete it"):
        fetch_movielens_100k(data_home=tmp_path, sha256=_sha256(content),
                             download_if_missing=False)
    assert (folder / "ml-100k.zip").read_bytes() == b"not the archive"


def test_movielens_offline_error_names_url_home_and_hand_placement(tmp_path):
    url = closed_port_url("/ml-100k.zip")
    with pytest.raises(OSError, match="Could not download") as info:
        fetch_movielens_100k(data_home=tmp_path, url=url)
    message = str(info.value)
    assert url in message
    assert f"the data home is {tmp_path}" in message
    assert str(tmp_path / "movielens" / "ml-100k.zip") in message
    assert "copy it to" in message
    assert _files_in(tmp_path) == []
    with pytest.raises(OSError, match="download_if_missing=False.*copy it to"):
        fetch_movielens_100k(data_home=tmp_path, download_if_missing=False)


def test_movielens_http_error_and_dropped_connection_leave_no_file(
    tmp_path, movielens
):
    content, _ = movielens
    with LocalServer({"/ml-100k.zip": content}, truncate={"/ml-100k.zip"}) as server:
        with pytest.raises(OSError, match="Could not download .*Not Found"):
            fetch_movielens_100k(data_home=tmp_path, url=server.url + "/missing.zip")
        assert _files_in(tmp_path) == []
        # without a checksum, the announced length still catches the cut
        half = len(content) // 2
        with pytest.raises(
            OSError, match=f"closed after {half} of {len(content)} bytes"
        ):
            fetch_movielens_100k(data_home=tmp_path, url=server.url + "/ml-100k.zip")
        assert _files_in(tmp_path) == []
        assert len(server.requests) == 2


def test_interrupted_download_leaves_no_partial_file(tmp_path, monkeypatch, movielens):
    content, _ = movielens

    class Interrupted(io.BytesIO):
        reads = 0

        def read(self, size=-1):
            Interrupted.reads += 1
            if Interrupted.reads > 1:
                raise KeyboardInterrupt
            return super().read(size)

    monkeypatch.setattr(_fetch, "_CHUNK", 100)
    monkeypatch.setattr(
        urllib.request, "urlopen", lambda url, timeout: Interrupted(content)
    )
    with pytest.raises(KeyboardInterrupt):
        fetch_movielens_100k(data_home=tmp_path, url="http://127.0.0.1:9/x.zip")
    assert Interrupted.reads == 2  # the first chunk was written, then stopped
    assert _files_in(tmp_path) == []


def _md5(content):
    return hashlib.md5(content).hexdigest()


def test_movielens_default_checks_the_published_md5(tmp_path, movielens, monkeypatch):
    content, rows = movielens
    from skcorr.datasets import _movielens

    with LocalServer({"/ml-100k.zip": content}) as server:
        url = server.url + "/ml-100k.zip"
        # without sha256= the archive must match GroupLens' published MD5,
        # which a generated archive does not: refused and removed
        published = _movielens.MOVIELENS_100K_MD5
        with pytest.raises(ValueError, match=f"has MD5 {_md5(content)}, expected "
                           f"{published}; it was removed"):
            fetch_movielens_100k(data_home=tmp_path, url=url)
        assert _files_in(tmp_path) == []
        # an archive that matches the MD5 is used, verified: no warning
        monkeypatch.setattr(_movielens, "MOVIELENS_100K_MD5", _md5(content))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            data = fetch_movielens_100k(data_home=tmp_path, url=url)
        assert server.requests == ["/ml-100k.zip"] * 2
    assert len(data.X) == len(rows)
    # a present archive is checked against the MD5 too, and kept when wrong
    monkeypatch.setattr(_movielens, "MOVIELENS_100K_MD5", _md5(b"other"))
    with pytest.raises(ValueError, match="has MD5 .* Delete it"):
        fetch_movielens_100k(data_home=tmp_path, download_if_missing=False)
    assert "ml-100k.zip" in _files_in(tmp_path)


def test_fetch_file_without_any_checksum_warns(tmp_path):
    with LocalServer({"/f.bin": b"content"}) as server:
        url = server.url + "/f.bin"
        with pytest.warns(UnverifiedDownloadWarning, match=f"No SHA-256.*{url}"):
            path = _fetch.fetch_file(url, tmp_path / "f.bin")
        with pytest.warns(UnverifiedDownloadWarning, match="used without checking"):
            _fetch.fetch_file(url, tmp_path / "f.bin")  # present: warns again
        # with an MD5 only, the MD5 is checked and nothing warns
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _fetch.fetch_file(url, tmp_path / "f.bin", md5=_md5(b"content"))
        assert server.requests == ["/f.bin"]
    assert path.read_bytes() == b"content"
    for bad in ("abc", "z" * 32):
        with pytest.raises(ValueError, match="MD5 checksum"):
            _fetch.check_md5(bad)


def test_movielens_sha256_must_be_64_hex_digits(tmp_path):
    for bad in ("abc", "z" * 64, _sha256(b"") + "0"):
        with pytest.raises(ValueError, match="64 hexadecimal digits"):
            fetch_movielens_100k(data_home=tmp_path, sha256=bad)
    with pytest.raises(InvalidParameterError, match="sha256"):
        fetch_movielens_100k(data_home=tmp_path, sha256=b"00" * 32)
    with pytest.raises(InvalidParameterError, match="download_if_missing"):
        fetch_movielens_100k(data_home=tmp_path, download_if_missing=1)
    assert _files_in(tmp_path) == []


@pytest.mark.parametrize(
    "content, message",
    [
        (_zip({"ml-100k/README": b"x"}), "holds no u.data"),
        (b"plain bytes", "is not a zip archive"),
    ],
)
def test_movielens_archive_that_is_not_ml_100k(tmp_path, content, message):
    with LocalServer({"/a.zip": content}) as server:
        with pytest.raises(ValueError, match=message):
            fetch_movielens_100k(data_home=tmp_path, url=server.url + "/a.zip",
                                 sha256=_sha256(content))
    # the archive is kept (it matched its checksum) but nothing was extracted
    assert _files_in(tmp_path) == ["ml-100k.zip"]


# -- MNIST -------------------------------------------------------------------


def _idx(array):
    header = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    return gzip.compress(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def mnist():
    rng = np.random.RandomState(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.randint(0, 256, size=(6, 28, 28)),
        "train-labels-idx1-ubyte.gz": rng.randint(0, 10, size=6),
        "t10k-images-idx3-ubyte.gz": rng.randint(0, 256, size=(3, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": rng.randint(0, 10, size=3),
    }
    files = {name: _idx(array) for name, array in arrays.items()}
    return arrays, files


def test_mnist_download_parse_and_cache(tmp_path, mnist):
    arrays, files = mnist
    checksums = {name: _sha256(content) for name, content in files.items()}
    served = {f"/mnist/{name}": content for name, content in files.items()}
    with LocalServer(served) as server:
        base = server.url + "/mnist"  # no trailing slash: one is added
        data = fetch_mnist(data_home=tmp_path, base_url=base, sha256=checksums)
        assert sorted(server.requests) == [
            "/mnist/train-images-idx3-ubyte.gz", "/mnist/train-labels-idx1-ubyte.gz"
        ]
        np.testing.assert_array_equal(data.images, arrays["train-images-idx3-ubyte.gz"])
        np.testing.assert_array_equal(
            data.data, arrays["train-images-idx3-ubyte.gz"].reshape(6, 784)
        )
        np.testing.assert_array_equal(data.target, arrays["train-labels-idx1-ubyte.gz"])
        assert data.data.dtype == np.uint8 and data.target.dtype == np.int64
        assert "the train set, 6 images" in data.DESCR
        X, y = fetch_mnist(subset="all", data_home=tmp_path, base_url=base,
                           sha256=checksums, return_X_y=True)
        assert len(server.requests) == 4  # only the two test files were new
        X_test, y_test = fetch_mnist(subset="test", data_home=tmp_path,
                                     base_url=base, sha256=checksums,
                                     return_X_y=True)
        assert len(server.requests) == 4  # cached
    np.testing.assert_array_equal(X[6:], X_test)
    np.testing.assert_array_equal(
        y, np.concatenate([arrays["train-labels-idx1-ubyte.gz"],
                           arrays["t10k-labels-idx1-ubyte.gz"]])
    )
    assert _files_in(tmp_path) == sorted(files)


def test_mnist_checksum_mismatch_and_unverified_warning(tmp_path, mnist):
    _, files = mnist
    served = {f"/{name}": content for name, content in files.items()}
    wrong = {"train-images-idx3-ubyte.gz": _sha256(b"no")}
    with LocalServer(served) as server:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnverifiedDownloadWarning)
            with pytest.raises(ValueError, match="it was removed"):
                fetch_mnist(data_home=tmp_path, base_url=server.url, sha256=wrong)
        assert "train-images-idx3-ubyte.gz" not in _files_in(tmp_path)
        # the bundled SHA-256 are those of the files as distributed, which
        # generated files do not have: refused whatever base_url serves them
        bundled = _mnist.MNIST_SHA256["t10k-images-idx3-ubyte.gz"]
        with pytest.raises(ValueError, match=f"expected {bundled}; it was removed"):
            fetch_mnist(subset="test", data_home=tmp_path, base_url=server.url)
        # a checksum given as None: used unverified, with a warning per file
        unverified = dict.fromkeys(["t10k-images-idx3-ubyte.gz",
                                    "t10k-labels-idx1-ubyte.gz"])
        with pytest.warns(UnverifiedDownloadWarning) as record:
            fetch_mnist(subset="test", data_home=tmp_path, base_url=server.url,
                        sha256=unverified)
    assert sum("t10k" in str(w.message) for w in record) == 2


def test_mnist_offline_error(tmp_path):
    url = closed_port_url("")
    with pytest.raises(OSError, match="Could not download") as info:
        fetch_mnist(data_home=tmp_path, base_url=url)
    assert url + "/train-images-idx3-ubyte.gz" in str(info.value)
    assert f"the data home is {tmp_path}" in str(info.value)
    assert _files_in(tmp_path) == []


def _place(tmp_path, files):
    folder = tmp_path / "mnist"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return {name: _sha256(content) for name, content in files.items()}


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (b"not gzip", _idx(np.zeros(2)), "not a readable gzip file"),
        (gzip.compress(b"\x00\x00\x0d\x03abcd"), _idx(np.zeros(2)),
         "not an idx file of unsigned bytes"),
        (_idx(np.zeros((2, 28))), _idx(np.zeros(2)), "2-dimensional array, expected 3"),
        (gzip.compress(_idx(np.zeros((2, 28, 28)))[:0] + bytes([0, 0, 8, 3])
                       + np.asarray([2, 28, 28], ">u4").tobytes() + b"\x00" * 10),
         _idx(np.zeros(2)), "truncated or corrupt"),
        (_idx(np.zeros((3, 28, 28))), _idx(np.zeros(2)), "3 images but .* 2 labels"),
    ],
)
def test_mnist_malformed_files(tmp_path, images, labels, message):
    checksums = _place(tmp_path, {"t10k-images-idx3-ubyte.gz": images,
                                  "t10k-labels-idx1-ubyte.gz": labels})
    with pytest.raises(ValueError, match=message):
        fetch_mnist(subset="test", data_home=tmp_path, download_if_missing=False,
                    sha256=checksums)


def test_mnist_bad_parameters(tmp_path):
    with pytest.raises(ValueError, match=r"unknown files \['train.gz'\]"):
        fetch_mnist(data_home=tmp_path, sha256={"train.gz": "0" * 64})
    with pytest.raises(ValueError, match=r"sha256\['t10k-labels-idx1-ubyte.gz'\]"):
        fetch_mnist(data_home=tmp_path, sha256={"t10k-labels-idx1-ubyte.gz": "00"})
    with pytest.raises(InvalidParameterError, match="sha256"):
        fetch_mnist(data_home=tmp_path, sha256="0" * 64)
    with pytest.raises(InvalidParameterError, match="subset"):
        fetch_mnist(data_home=tmp_path, subset="validation")
    with pytest.raises(OSError, match="download_if_missing=False"):
        fetch_mnist(data_home=tmp_path, download_if_missing=False)
    assert _files_in(tmp_path) == []


def test_bundled_checksums_are_well_formed_published_values():
    # The published checksums (MNIST's SHA-256; GroupLens' MD5 of the
    # archive, its only published checksum) are bundled; none is invented.
    from skcorr.datasets import _movielens

    assert _movielens.MOVIELENS_100K_SHA256 is None  # GroupLens publishes none
    assert _fetch.check_md5(_movielens.MOVIELENS_100K_MD5) == (
        "0e33842e24a9c977be4e0107933c0723")
    assert sorted(_mnist.MNIST_SHA256) == sorted(
        name for pair in _mnist.MNIST_FILES.values() for name in pair)
    for value in _mnist.MNIST_SHA256.values():
        assert _fetch.check_sha256(value) == value
    assert _mnist.MNIST_SHA256["train-images-idx3-ubyte.gz"].startswith("440fcabf")
    assert os.path.basename(_movielens.MOVIELENS_100K_ZIP_URL) == "ml-100k.zip"
