"""A documentation that builds and reads with no network access.

Three parts, each a Sphinx event handler that ``doc/conf.py`` connects:

- MathJax is served from the copy that the ``sphinx-mathjax-offline`` package
  (the ``docs`` extra) installs, not from a CDN (:func:`use_offline_mathjax`);
- links to scikit-learn's API resolve through intersphinx against an inventory
  written at build time from the installed scikit-learn, pointing at
  scikit-learn's online pages (:func:`write_sklearn_inventory`), so nothing is
  downloaded while building;
- a finished build is checked for pages that load a script or a style sheet
  from another site (:func:`check_no_remote_assets`): under ``-W`` any such
  page fails the build.
"""

import importlib
import importlib.util
import inspect
import pkgutil
import re
import zlib
from pathlib import Path

SKLEARN_DOCS = "https://scikit-learn.org/stable/"
MATHJAX_PACKAGE = "sphinx-mathjax-offline"
MATHJAX_SCRIPT = "mathjax/tex-chtml.js"
# Submodules that are not part of scikit-learn's public API reference, or that
# change scikit-learn when imported (the ``enable_*`` modules of experimental).
_SKIPPED_PARTS = {"tests", "externals", "conftest", "experimental"}


def _public_modules(package):
    """``package`` and its public submodules, recursively, imported."""
    yield package
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        name = info.name
        if name.startswith("_") or name in _SKIPPED_PARTS:
            continue
        try:
            module = importlib.import_module(f"{package.__name__}.{name}")
        except Exception:  # a module that needs an optional dependency
            continue
        yield from _public_modules(module)


def _entries(module):
    """Inventory lines for ``module`` and the public names in its ``__all__``."""
    name = module.__name__
    # scikit-learn has one API page per top-level module (its submodules are
    # sections of it) and an index for ``sklearn`` itself.
    parts = name.split(".")
    page = "api/index.html" if len(parts) == 1 else f"api/{'.'.join(parts[:2])}.html"
    yield f"{name} py:module 0 {page}#module-$ -"
    public = getattr(module, "__all__", None)
    if public is None:  # e.g. sklearn.utils.validation: what it defines itself
        public = [
            attr
            for attr, value in vars(module).items()
            if not attr.startswith("_")
            and getattr(value, "__module__", None) == name
            and (inspect.isclass(value) or inspect.isfunction(value))
        ]
    for attr in public:
        try:
            obj = getattr(module, attr, None)
        except ImportError:  # experimental names, documented once enabled
            continue
        if obj is None or inspect.ismodule(obj):
            continue
        full = f"{name}.{attr}"
        uri = f"modules/generated/{full}.html#$"
        if inspect.isclass(obj):
            role = "exception" if issubclass(obj, BaseException) else "class"
            yield f"{full} py:{role} 1 {uri} -"
            for member in dir(obj):
                if member.startswith("_"):
                    continue
                value = inspect.getattr_static(obj, member)
                member_uri = f"modules/generated/{full}.html#$"
                if isinstance(value, property):
                    yield f"{full}.{member} py:property 1 {member_uri} -"
                elif callable(value) or isinstance(value, (classmethod, staticmethod)):
                    yield f"{full}.{member} py:method 1 {member_uri} -"
        elif callable(obj):
            yield f"{full} py:function 1 {uri} -"
        else:
            yield f"{full} py:data 1 {uri} -"


def sklearn_inventory_lines():
    """The inventory lines of scikit-learn's public API, from the installed package.

    Each object named in the ``__all__`` of a public scikit-learn module links
    to its page ``modules/generated/<module>.<name>.html`` (methods to their
    anchor on their class's page) and each module to ``api/<module>.html``, as
    scikit-learn's own documentation lays them out.
    """
    import sklearn

    lines = {}
    for module in _public_modules(sklearn):
        for line in _entries(module):
            name, role = line.split(" ")[:2]
            lines.setdefault((name, role), line)
    return sorted(lines.values())


# The names of the last inventory written, for warn_unresolved_sklearn.
_SKLEARN_NAMES = set()


def write_sklearn_inventory(path):
    """Write a Sphinx ``objects.inv`` (version 2) of scikit-learn's API to ``path``."""
    import sklearn

    header = (
        "# Sphinx inventory version 2\n"
        "# Project: scikit-learn\n"
        f"# Version: {sklearn.__version__}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = sklearn_inventory_lines()
    _SKLEARN_NAMES.clear()
    _SKLEARN_NAMES.update(line.split(" ", 1)[0] for line in lines)
    body = "".join(line + "\n" for line in lines)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header.encode() + zlib.compress(body.encode()))
    return path


def mathjax_directory():
    """The folder holding the ``mathjax/`` copy of ``sphinx-mathjax-offline``."""
    spec = importlib.util.find_spec(MATHJAX_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        static = Path(location) / "static"
        if (static / MATHJAX_SCRIPT).is_file():
            return static
    raise RuntimeError(
        f"the documentation renders its maths with the MathJax copy of the "
        f"{MATHJAX_PACKAGE!r} package, which is not installed (or lacks "
        f"{MATHJAX_SCRIPT}); install the docs extra: pip install -e '.[docs]'"
    )


def use_offline_mathjax(app, config):
    """Serve MathJax from ``_static/mathjax`` instead of a CDN (``config-inited``)."""
    config.html_static_path = [*config.html_static_path, str(mathjax_directory())]
    config.mathjax_path = MATHJAX_SCRIPT


def link_sklearn_offline(app, config):
    """Point intersphinx at a scikit-learn inventory written now (``config-inited``)."""
    inventory = write_sklearn_inventory(Path(app.doctreedir) / "sklearn-objects.inv")
    config.intersphinx_mapping = {
        **config.intersphinx_mapping,
        "sklearn": (SKLEARN_DOCS, str(inventory)),
    }


_REMOTE_ASSET = re.compile(
    r"<script[^>]*\ssrc=\"(https?:)?//[^\"]*\"|"
    r"<link[^>]*rel=\"stylesheet\"[^>]*href=\"(https?:)?//[^\"]*\"|"
    r"<link[^>]*href=\"(https?:)?//[^\"]*\"[^>]*rel=\"stylesheet\"",
)


def remote_assets(html):
    """The tags of ``html`` that load a script or style sheet from another site."""
    return [match.group(0) for match in _REMOTE_ASSET.finditer(html)]


def check_no_remote_assets(app, exception):
    """Warn about every built page that loads a remote asset (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    # The pages of this build's documents only: an output folder kept from an
    # earlier build may hold pages no longer generated.
    pages = [
        Path(app.builder.get_outfilename(docname))
        for docname in sorted(app.env.found_docs)
    ]
    for page in pages:
        if not page.is_file():
            continue
        for tag in remote_assets(page.read_text(encoding="utf-8")):
            logger.warning(
                "%s loads %s from the network; the documentation must read "
                "offline: ship the asset in _static instead",
                page.relative_to(app.outdir),
                tag,
            )


def warn_unresolved_sklearn(app, env, node, contnode):
    """Warn about a ``sklearn.*`` reference left unresolved (``missing-reference``).

    Sphinx calls every ``missing-reference`` handler, so this one checks the
    names of the inventory itself: a misspelt scikit-learn name would
    otherwise show as plain text, silently. A name in a private module
    (``sklearn.utils._param_validation.InvalidParameterError``) has no page to
    link to and stays plain text without a warning.
    """
    target = node.get("reftarget", "")
    private = any(part.startswith("_") for part in target.split(".")[:-1])
    if (
        node.get("refdomain") == "py"
        and target.startswith("sklearn.")
        and not private
        and target not in _SKLEARN_NAMES
    ):
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "%r is not in scikit-learn %s's public API (no link): check the "
            "name, or write it as ``literal`` text",
            target,
            _sklearn_version(),
            location=node,
        )
    return None


def _sklearn_version():
    import sklearn

    return sklearn.__version__
