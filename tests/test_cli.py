"""The `rodtrad` command as operators use it, run as a real process."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.livesystem import installation, serving


def test_operator_commands_end_to_end(tmp_path: Path) -> None:
    with installation(tmp_path) as inst:
        created = inst.run(
            "createuser",
            "nils",
            "--name",
            "Nils Nilsson",
            "--email",
            "nils@example.org",
            "--password-stdin",
            stdin="ett-langt-losenord-7\n",
        )
        assert "nils" in created.stdout
        granted = inst.run("grant", "nils", "KLL-HSV", "quality")
        assert "quality" in granted.stdout

        token = inst.run("token", "nils")
        assert re.fullmatch(r"rt_[A-Za-z0-9_-]{20,}\n", token.stdout), token.stdout

        unknown_unit = inst.run("grant", "nils", "FINNS-EJ", "quality", check=False)
        assert unknown_unit.returncode != 0 and "FINNS-EJ" in unknown_unit.stderr
        unknown_role = inst.run("grant", "nils", "KLL-HSV", "kung", check=False)
        assert unknown_role.returncode != 0 and "kung" in unknown_role.stderr
        duplicate = inst.run("createuser", "nils", check=False)
        assert duplicate.returncode != 0 and "username" in duplicate.stderr

        with serving(inst, workers=1) as base:
            me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"})
            assert me.status_code == 200
            assert [(m["unit"]["code"], m["role"]) for m in me.json()["memberships"]] == [
                ("KLL-HSV", "quality")
            ]

        assert inst.run("audit", "verify", "--quiet").returncode == 0


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "rodtrad", "help", "demo"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "RODTRAD_DATA_DIR": str(tmp_path)},
    )
    assert "--profile" in result.stdout
