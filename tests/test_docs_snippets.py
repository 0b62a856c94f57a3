"""The documentation cannot go stale: the quick start's code and commands run,
the installation page names every extra of setup.cfg, and the pieces that let
the documentation build and read offline (scikit-learn inventory, local MathJax,
remote-asset check) do what they say."""

import configparser
import doctest
import re
import shlex
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "doc"
sys.path.insert(0, str(DOC / "sphinxext"))

import offline_docs  # noqa: E402  (doc/sphinxext, on the path just above)


def _console_commands(rst):
    """The ``$ skcorr ...`` lines of the page's console blocks, as argv lists."""
    return [
        shlex.split(line)[1:]
        for line in re.findall(r"^\s+\$ (skcorr .*)$", rst, re.MULTILINE)
    ]


def test_quickstart_examples_run_and_print_what_the_page_shows():
    rst = (DOC / "quickstart.rst").read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(
        rst, {}, "quickstart.rst", str(DOC / "quickstart.rst"), 0
    )
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    failures = []
    with warnings.catch_warnings():
        # The tour must not warn: skcorr's warnings are UserWarnings, and a
        # RuntimeWarning would mean NaN or overflow in the numbers shown.
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("error", RuntimeWarning)
        runner.run(test, out=failures.append, clear_globs=False)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(failures)
    # The page's examples, not an empty parse: every step of the tour ran.
    assert result.attempted >= 15
    for name in ("ensemble", "Y_pred", "risk"):
        assert name in test.globs


def test_quickstart_commands_run(capsys):
    from skcorr.cli import main

    rst = (DOC / "quickstart.rst").read_text(encoding="utf-8")
    commands = _console_commands(rst)
    assert commands == [["errors", "--dataset", "corr_ml:cifar10", "--method", "phik"]]
    for argv in commands:
        assert main(argv) in (0, None)
        printed = capsys.readouterr().out
        # What the page says the command prints.
        assert "error rate" in printed
        assert "Error correlation (phik)" in printed
        assert "Aggregated risk" in printed


def test_quickstart_console_parser_reads_commands():
    rst = ".. code-block:: console\n\n   $ skcorr errors --format 'json'\n   out\n"
    assert _console_commands(rst) == [["errors", "--format", "json"]]
    assert _console_commands("no commands here\n") == []


def _setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def _extras():
    return set(_setup_cfg()["options.extras_require"])


def test_install_page_describes_every_extra_of_setup_cfg():
    rst = (DOC / "install.rst").read_text(encoding="utf-8")
    section = rst.split("\nExtras\n------\n", 1)[1].split("\nThe exact", 1)[0]
    described = set(re.findall(r"^``(\w+)``$", section, re.MULTILINE))
    assert described == _extras()
    # Every extra the page installs exists.
    for named in re.findall(r"skcorr\[([a-z,]+)\]", rst):
        assert set(named.split(",")) <= _extras(), named


def test_install_page_gives_the_torch_line_skcorr_prints():
    optional = pytest.importorskip("skcorr.utils.optional")
    rst = (DOC / "install.rst").read_text(encoding="utf-8")
    assert f"   $ {optional.TORCH_INSTALL}\n" in rst
    assert f"``{optional.TORCH_INSTALL}``" in rst


def test_install_page_names_every_plain_dependency():
    requires = _setup_cfg()["options"]["install_requires"].split()
    names = [re.match(r"[A-Za-z0-9_.-]+", line).group(0) for line in requires]
    rst = (DOC / "install.rst").read_text(encoding="utf-8")
    section = rst.split("\nWith pip\n--------\n", 1)[1].split("\nExtras\n", 1)[0]
    assert {"numpy", "scikit-learn"} <= {name.lower() for name in names}
    for name in names:
        assert re.search(rf"\b{re.escape(name)}\b", section, re.IGNORECASE), name


def test_install_page_includes_setup_cfg_sections_that_exist():
    """The page's literalinclude markers are still in setup.cfg."""
    rst = (DOC / "install.rst").read_text(encoding="utf-8")
    setup_cfg = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    markers = re.findall(r":(?:start-after|end-before): (.+)$", rst, re.MULTILINE)
    assert len(markers) == 4
    for marker in markers:
        assert marker in setup_cfg, marker


def test_changelog_is_in_the_docs():
    index = (DOC / "index.rst").read_text(encoding="utf-8")
    assert re.search(r"^   changelog$", index, re.MULTILINE)
    for page in ("install", "quickstart"):
        assert re.search(rf"^   {page}$", index, re.MULTILINE)
    changelog = (DOC / "changelog.rst").read_text(encoding="utf-8")
    assert "\nUnreleased\n----------\n" in changelog


@pytest.fixture(scope="module")
def sklearn_inventory(tmp_path_factory):
    inventory = pytest.importorskip("sphinx.util.inventory")
    path = offline_docs.write_sklearn_inventory(
        tmp_path_factory.mktemp("inv") / "objects.inv"
    )
    loaded = inventory.InventoryFile.loads(
        path.read_bytes(), uri=offline_docs.SKLEARN_DOCS
    )
    return {
        (role, name): item.uri
        for role, items in loaded.data.items()
        for name, item in items.items()
    }


def test_sklearn_inventory_points_at_scikit_learn_pages(sklearn_inventory):
    page = offline_docs.SKLEARN_DOCS + "modules/generated/"
    name = "sklearn.ensemble.BaggingClassifier"
    assert sklearn_inventory["py:class", name] == f"{page}{name}.html#{name}"
    # An inherited method is on its class's page.
    assert sklearn_inventory["py:method", f"{name}.fit"] == (
        f"{page}{name}.html#{name}.fit"
    )
    name = "sklearn.utils.validation.validate_data"  # a module without __all__
    assert sklearn_inventory["py:function", name] == f"{page}{name}.html#{name}"
    assert sklearn_inventory["py:exception", "sklearn.exceptions.NotFittedError"]
    assert sklearn_inventory["py:module", "sklearn.ensemble"] == (
        offline_docs.SKLEARN_DOCS + "api/sklearn.ensemble.html#module-sklearn.ensemble"
    )
    # Private modules stay out (scikit-learn's __all__ lists a few
    # underscored helpers it documents, such as sklearn.utils._safe_indexing).
    for _, name in sklearn_inventory:
        assert not any(part.startswith("_") for part in name.split(".")[:-1]), name
    assert ("py:function", "sklearn.utils._safe_indexing") in sklearn_inventory


def test_sklearn_inventory_holds_every_name_the_docs_link(sklearn_inventory):
    pattern = re.compile(r":(class|func|meth|mod|exc|attr|obj):`~?(sklearn\.[\w.]+)")
    sources = [*DOC.glob("*.rst"), *DOC.glob("user_guide/*.rst")]
    sources += [*(ROOT / "skcorr").rglob("*.py"), *(ROOT / "examples").glob("*.py")]
    referenced = {
        match.group(2)
        for path in sources
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
        # Private names (in docstrings of private helpers) have no page; the
        # docs build warns about any such reference it renders.
        if "._" not in match.group(2)
    }
    assert "sklearn.ensemble.BaggingClassifier" in referenced
    names = {name for _, name in sklearn_inventory}
    assert referenced - names == set()


def test_remote_assets_are_found_and_local_ones_are_not():
    html = (
        '<script defer="defer" src="https://cdn.jsdelivr.net/npm/mathjax@4/x.js">'
        '</script><script src="//cdn.example/a.js"></script>'
        '<link rel="stylesheet" href="https://cdn.example/b.css" />'
        '<link href="http://cdn.example/c.css" rel="stylesheet" />'
        '<script src="../_static/mathjax/tex-chtml.js?v=1"></script>'
        '<link rel="stylesheet" href="_static/alabaster.css" />'
        '<a href="https://scikit-learn.org/stable/">a link is no asset</a>'
    )
    found = offline_docs.remote_assets(html)
    assert len(found) == 4
    assert not any("_static" in tag or "scikit-learn" in tag for tag in found)


def test_mathjax_is_the_local_copy():
    try:
        static = offline_docs.mathjax_directory()
    except RuntimeError as exc:
        assert "pip install -e '.[docs]'" in str(exc)
        pytest.skip(f"the docs extra is not installed: {exc}")
    assert (static / offline_docs.MATHJAX_SCRIPT).is_file()
    # MathJax's CommonHTML output loads its fonts beside the script.
    assert list((static / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))

    class Config:
        html_static_path = ["_static"]
        mathjax_path = "https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js"

    offline_docs.use_offline_mathjax(None, Config)
    assert Config.mathjax_path == "mathjax/tex-chtml.js"
    assert Config.html_static_path == ["_static", str(static)]


class _FakeApp:
    """The parts of a Sphinx application the check reads: the documents of this
    build and where the builder writes each one."""

    def __init__(self, outdir, docnames=("sub/page", "ok")):
        self.outdir = outdir
        self.env = SimpleNamespace(found_docs=set(docnames))
        self.builder = SimpleNamespace(
            format="html",
            get_outfilename=lambda docname: str(Path(outdir) / f"{docname}.html"),
        )


def test_a_page_loading_a_remote_script_is_a_build_warning(tmp_path, caplog):
    pytest.importorskip("sphinx")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text(
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js">'
    )
    (tmp_path / "ok.html").write_text('<script src="_static/mathjax/tex-chtml.js">')
    with caplog.at_level("WARNING"):
        offline_docs.check_no_remote_assets(_FakeApp(tmp_path), None)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert "page.html loads" in messages[0] and "cdn.jsdelivr.net" in messages[0]
    assert "must read offline" in messages[0]
    caplog.clear()
    with caplog.at_level("WARNING"):  # a failed build is not checked
        offline_docs.check_no_remote_assets(_FakeApp(tmp_path), RuntimeError())
    assert caplog.records == []
    with caplog.at_level("WARNING"):  # a page left by an earlier build is not
        offline_docs.check_no_remote_assets(_FakeApp(tmp_path, ["ok"]), None)
    assert caplog.records == []


def test_a_misspelt_sklearn_reference_is_a_build_warning(sklearn_inventory, caplog):
    addnodes = pytest.importorskip("sphinx.addnodes")

    def reference(target, domain="py"):
        return addnodes.pending_xref("", refdomain=domain, reftarget=target)

    with caplog.at_level("WARNING"):
        for target in (
            "sklearn.ensemble.BaggingClassifer",  # misspelt
            "sklearn.ensemble.BaggingClassifier",  # in the inventory
            "sklearn.utils._param_validation.InvalidParameterError",  # private
            "numpy.mean",  # not scikit-learn
        ):
            result = offline_docs.warn_unresolved_sklearn(
                None, None, reference(target), None
            )
            assert result is None
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert "'sklearn.ensemble.BaggingClassifer' is not in scikit-learn" in messages[0]
