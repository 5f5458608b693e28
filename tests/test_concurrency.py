"""Several server processes writing at once: no server error, no lost write, no forked audit chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.livesystem import installation, serving

WRITERS = 6
UNITS_EACH = 15
REPORTS_EACH = 10


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

            category = httpx.get(f"{api}/event-categories", headers=headers).json()[0]
            before = httpx.get(f"{api}/events?unit={target['id']}&limit=1", headers=headers).json()["count"]

            def report(writer: int) -> list[int]:
                """The quick report: an event, an audit entry and the handlers' notifications each."""
                with httpx.Client(headers=headers, timeout=60) as client:
                    return [
                        client.post(
                            f"{api}/events",
                            json={
                                "unit": target["id"],
                                "occurred_at": "2026-01-15T08:30:00+01:00",
                                "description": f"Rapport {writer}-{i} om 19121212-1212",
                                "category": category["id"],
                                "affected": "patient",
                            },
                        ).status_code
                        for i in range(REPORTS_EACH)
                    ]

            with ThreadPoolExecutor(max_workers=WRITERS * 2) as pool:
                creates = list(pool.map(create, range(WRITERS)))
                renames = list(pool.map(rename, range(WRITERS)))
                reports = list(pool.map(report, range(WRITERS)))

            statuses = [s for batch in creates for s in batch]
            assert statuses == [201] * (WRITERS * UNITS_EACH)
            assert sorted(renames) == [200] + [409] * (WRITERS - 1)
            listed = httpx.get(f"{api}/units?q=C&kind=enhet&limit=500", headers=headers).json()["items"]
            codes = {u["code"] for u in listed}
            assert {f"C{w}-{i}" for w in range(WRITERS) for i in range(UNITS_EACH)} <= codes
            assert [s for batch in reports for s in batch] == [201] * (WRITERS * REPORTS_EACH)
            after = httpx.get(f"{api}/events?unit={target['id']}&limit=500", headers=headers).json()
            assert after["count"] == before + WRITERS * REPORTS_EACH
            assert not any("1212-1212" in e["description"] for e in after["items"])
            if "DATABASE_URL" not in inst.env:  # SQLite: what `rodtrad worker` does every few seconds
                code = "from rodtrad.core.tasks import checkpoint_wal; print(*checkpoint_wal())"
                busy, frames, done = map(int, inst.run("shell", "-v", "0", "-c", code).stdout.split()[-3:])
                assert busy == 0 and frames > 0 and done == frames  # the writes were in the log; all copied
        verify = inst.run("audit", "verify", "--quiet", check=False)
        assert verify.returncode == 0, verify.stderr
