"""README.md: its example runs, and its two set-up commands are the ones CI and
the Makefile use."""

import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_example_runs(capsys):
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.DOTALL).group(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "[[1." in printed


def test_setup_commands_match_makefile_and_ci():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^    (make \w+)$", readme, re.MULTILINE)
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo: ", makefile, re.MULTILINE)
    assert re.search(r"^test: ", makefile, re.MULTILINE)
    assert (
        "torch==$(TORCH_VERSION)" in makefile and "TORCH_VERSION ?= 2.13.0" in makefile
    )
    assert "make test" in (ROOT / ".ci" / "run").read_text()
