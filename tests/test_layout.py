"""The import rules of the developer page (doc/developer.rst), read from the code.

- Across subpackages only public names are imported: a module of one
  subpackage never imports a private module (``_name``) of another.
- ``skcorr/_registry.py``, the home of the registries of names, imports the
  standard library only, so that parsing a command line imports no science.
"""

import ast
import sys
from pathlib import Path

import skcorr

PACKAGE = Path(skcorr.__file__).parent
SUBPACKAGES = sorted(p.name for p in PACKAGE.iterdir()
                     if (p / "__init__.py").exists())


def _imports(path):
    """``(line, absolute module name)`` of each import in ``path``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1]  # a module's package; an __init__.py's is itself
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ((node.module,) if node.module else ()))
            else:
                module = node.module or ""
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
            yield node.lineno, names
        elif isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]


def _private_part(module, own):
    """The subpackage whose private module ``module`` names, unless ``own``."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "skcorr" and parts[1] in SUBPACKAGES:
        if parts[1] != own and parts[2].startswith("_") and parts[2] != "__init__":
            return parts[1]
    return None


def test_no_subpackage_imports_another_ones_private_modules():
    offending = []
    for sub in SUBPACKAGES:
        if sub == "utils":  # utils is imported by its public module names
            continue
        for path in sorted((PACKAGE / sub).rglob("*.py")):
            for line, names in _imports(path):
                # an ImportFrom lists its module and each name; the module
                # decides (a private name from a public module is its own
                # matter)
                if _private_part(names[0], sub):
                    offending.append(f"{path.relative_to(PACKAGE)}:{line} "
                                     f"{names[0]}")
    assert offending == []


def test_the_rule_sees_a_private_import_across_subpackages():
    # the check above is not blind: a relative import of another
    # subpackage's private module is named
    assert _private_part("skcorr.spurious._study", "plotting") == "spurious"
    assert _private_part("skcorr.spurious", "plotting") is None
    assert _private_part("skcorr.plotting._base", "plotting") is None


def test_the_registry_imports_the_standard_library_only():
    path = PACKAGE / "_registry.py"
    modules = {names[0].split(".")[0] for _, names in _imports(path)}
    assert modules <= set(sys.stdlib_module_names), modules
