"""Sphinx configuration of skcorr's documentation."""

import os

import skcorr

project = "skcorr"
author = "the skcorr developers"
release = skcorr.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
numpydoc_show_class_members = False
exclude_patterns = ["_build", "auto_examples/*.ipynb"]
html_theme = "alabaster"

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    # SKCORR_QUICK_DOCS=1 lists the examples without running them.
    "plot_gallery": "False" if os.environ.get("SKCORR_QUICK_DOCS") else "True",
}
