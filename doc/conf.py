"""Sphinx configuration of skcorr's documentation."""

import os
import sys
from pathlib import Path

import skcorr

sys.path.insert(0, str(Path(__file__).parent / "sphinxext"))

import offline_docs  # noqa: E402  (doc/sphinxext, on the path just above)

project = "skcorr"
author = "the skcorr developers"
release = skcorr.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
# Classes list their public methods in full, skcorr's base classes included;
# those inherited from scikit-learn, skorch or torch are documented there
# (see _templates/autosummary/class.rst).
templates_path = ["_templates"]
numpydoc_show_class_members = False
# sphinx-gallery's execution-time pages load their table scripts from a CDN:
# not written, and any left by an older build not read.
exclude_patterns = [
    "_build",
    "auto_examples/*.ipynb",
    "sg_execution_times.rst",
    "auto_examples/sg_execution_times.rst",
]
html_theme = "alabaster"

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    # SKCORR_QUICK_DOCS=1 lists the examples without running them.
    "plot_gallery": "False" if os.environ.get("SKCORR_QUICK_DOCS") else "True",
    "write_computation_times": False,
}

# The documentation builds and reads with no network (doc/sphinxext/
# offline_docs.py): MathJax comes from the docs extra's offline copy and is
# served from _static (set when the configuration is read), links to
# scikit-learn's API resolve against an inventory written from the installed
# scikit-learn, and a page that loads a remote script or style sheet is a
# warning, so an error under -W. intersphinx downloads nothing: its only
# inventory is that local file.
intersphinx_mapping = {}
intersphinx_timeout = 1

# scikit-learn's own documentation, for the glossary terms and labels that
# skcorr's docstrings (and the docstrings estimators inherit from scikit-learn)
# refer to, such as :term:`fit` or :ref:`metadata_routing`. Resolved without
# network access: a term links to scikit-learn's glossary, a label to the
# page holding it.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_LABELS = {
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "r2_score": "modules/model_evaluation.html#r2-score",
    "metadata_routing": "metadata_routing.html",
}


def _sklearn_reference(app, env, node, contnode):
    """Link a glossary term or label unknown here to scikit-learn's docs."""
    from docutils import nodes

    target = node.get("reftarget", "")
    if node.get("refdomain") != "std":
        return None
    if node.get("reftype") == "term":
        anchor = "term-" + target.lower().replace(" ", "-")
        uri = f"{SKLEARN_DOCS}glossary.html#{anchor}"
    elif node.get("reftype") == "ref" and target in SKLEARN_LABELS:
        uri = SKLEARN_DOCS + SKLEARN_LABELS[target]
    else:
        return None
    reference = nodes.reference("", "", internal=False, refuri=uri)
    reference.append(contnode)
    return reference


def _skip_request_setters(app, what, name, obj, skip, options):
    """Leave out the generated ``set_*_request`` methods (metadata routing)."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("config-inited", offline_docs.use_offline_mathjax)
    app.connect("config-inited", offline_docs.link_sklearn_offline)
    app.connect("build-finished", offline_docs.check_no_remote_assets)
    app.connect("missing-reference", offline_docs.warn_unresolved_sklearn)
    app.connect("missing-reference", _sklearn_reference)
    app.connect("autodoc-skip-member", _skip_request_setters)
