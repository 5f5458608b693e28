"""Several server processes writing at once: no server error, no lost write, no forked audit chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.livesystem import installation, serving

WRITERS = 6
UNITS_EACH = 15


def test_concurrent_writers_on_several_processes(tmp_path: Path) -> None:
    with installation(tmp_path) as inst:
        token = inst.run("token", "admin").stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        with serving(inst, workers=3) as base:
            api = f"{base}/api/v1"
            region = httpx.get(f"{api}/units?kind=region", headers=headers).json()["items"][0]
            target = httpx.get(f"{api}/units?q=MAVD2", headers=headers).json()["items"][0]

            def create(writer: int) -> list[int]:
                with httpx.Client(headers=headers, timeout=60) as client:
                    return [
                        client.post(
                            f"{api}/units",
                            json={
                                "code": f"C{writer}-{i}",
                                "name": f"Enhet {writer}-{i}",
                                "parent": region["id"],
                            },
                        ).status_code
                        for i in range(UNITS_EACH)
                    ]

            def rename(writer: int) -> int:
                body = {"version": target["version"], "name": f"Namn från skrivare {writer}"}
                return httpx.patch(
                    f"{api}/units/{target['id']}", json=body, headers=headers, timeout=60
                ).status_code

            with ThreadPoolExecutor(max_workers=WRITERS * 2) as pool:
                creates = list(pool.map(create, range(WRITERS)))
                renames = list(pool.map(rename, range(WRITERS)))

            statuses = [s for batch in creates for s in batch]
            assert statuses == [201] * (WRITERS * UNITS_EACH)
            assert sorted(renames) == [200] + [409] * (WRITERS - 1)
            listed = httpx.get(f"{api}/units?q=C&kind=enhet&limit=500", headers=headers).json()["items"]
            codes = {u["code"] for u in listed}
            assert {f"C{w}-{i}" for w in range(WRITERS) for i in range(UNITS_EACH)} <= codes
        verify = inst.run("audit", "verify", "--quiet", check=False)
        assert verify.returncode == 0, verify.stderr
