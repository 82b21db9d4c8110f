"""Two dashboard processes on one PostgreSQL database: an upload through one replica shows in
the other at its next rerun (the caches are keyed on the store's data_version)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from plantrack.store import Store
from plantrack.store.copy import copy_database
from tests.conftest import ROOT, add_accounts


class Replica:
    def __init__(self, env: dict[str, str]):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.replica_worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, command: str) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"replica died on {command!r}"
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_upload_in_one_replica_shows_in_the_other_on_its_next_rerun(demo_db, pg_url, tmp_path):
    copy_database(Store(demo_db), Store(pg_url))
    add_accounts(Store(pg_url), "张三")
    env = os.environ | {"PLANTRACK_DB": pg_url, "PLANTRACK_UPLOADS": str(tmp_path / "uploads")}
    reader, writer = Replica(env), Replica(env)
    try:
        before = reader.ask("render")
        assert before["metrics"] and "张三" not in before["revisions"]
        assert reader.ask("rerun") == before  # nothing changed: same page
        version = Store(pg_url).data_version()
        done = writer.ask("upload")
        assert any("已入库" in m for m in done["messages"]), done
        assert Store(pg_url).data_version() == version + 1
        after = reader.ask("rerun")
        assert "张三" in after["revisions"] and "副本测试" in after["revisions"]
        assert after["metrics"] != before["metrics"]
        latest = next(v for k, v in after["metrics"].items() if "2024年一季度" in k)
        assert latest.replace(",", "").startswith("1000")
    finally:
        reader.close()
        writer.close()
