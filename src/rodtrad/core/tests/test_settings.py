"""Settings come from documented RODTRAD_* variables."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_every_environment_variable_is_documented_in_the_readme():
    sources = [ROOT / "src/rodtrad/settings.py", *ROOT.glob("src/rodtrad/*/management/commands/*.py")]
    used = set()
    for path in sources:
        text = path.read_text()
        used |= {f"RODTRAD_{name}" for name in re.findall(r'env_\w+\(\s*"([A-Z_]+)"', text)}
        used |= set(re.findall(r"RODTRAD_[A-Z_]+", text))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in used if name not in readme)
    assert not missing, f"not in the README's configuration table: {missing}"


def test_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()[:8]
    assert any(line.startswith("make run") for line in lines)
    assert any(line.startswith("make test") for line in lines)
