"""Several loader processes and readers at once on one PostgreSQL database: no revision is lost
or numbered twice, readers always see one latest revision per key, and ``data_version`` counts
every batch. (Loaders are serialised by a table lock taken at the start of each batch's
transaction — see engine_postgres.py — and a unique index on the revision key backs it up.)"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from plantrack.store import Store
from tests.conftest import ROOT

LOADERS, BATCHES, READERS = 4, 6, 2

LOADER = textwrap.dedent(
    """
    import json, sys
    import pandas as pd
    from datetime import date
    from plantrack.store import Store
    url, who, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = Store(url)
    from plantrack.auth.accounts import login
    actor = login(store, "loader", "loader-password-1", method="cli")
    out = []
    for b in range(n):
        # every loader writes the same 30 keys (different values) and 10 keys of its own
        keys = [("shared", f"a{k}", "2024Q1") for k in range(30)]
        keys += [(f"own{who}", f"a{k}", "2024Q1") for k in range(10)]
        df = pd.DataFrame({
            "indicator": [k[0] for k in keys], "area": [k[1] for k in keys],
            "period": [k[2] for k in keys], "period_end": [date(2024, 3, 31)] * len(keys),
            "value": [float(who * 1000 + b * 10 + i) for i in range(len(keys))],
            "note": [None] * len(keys),
        })
        s = store.load(df, actor=actor, source="test")
        out.append([s.batch_id, s.new, s.revised, s.unchanged])
    print(json.dumps(out))
    """
)

READER = textwrap.dedent(
    """
    import json, sys, time
    from plantrack.store import Store
    store = Store(sys.argv[1])
    seen, bad, deadline = 0, [], time.monotonic() + 120
    while time.monotonic() < deadline:
        cur = store.current(indicators=["shared"])
        if cur.duplicated(["indicator", "area", "period"]).any():
            bad.append("duplicate key in current()")
        if len(cur) and cur["revision"].nunique() != 1:
            bad.append(f"keys of one batch at different revisions {sorted(set(cur['revision']))}")
        seen += 1
        if open(sys.argv[2]).read() == "done":
            break
    print(json.dumps({"reads": seen, "bad": bad[:5]}))
    """
)


def test_concurrent_loaders_and_readers(pg_url, tmp_path):
    store = Store(pg_url)
    store.migrate()
    from plantrack.auth.accounts import create_user

    create_user(store, name="loader", role="管理员", password="loader-password-1")
    flag = tmp_path / "flag"
    flag.write_text("")
    env_cmd = [sys.executable, "-c"]
    readers = [
        subprocess.Popen(
            [*env_cmd, READER, pg_url, str(flag)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(READERS)
    ]
    loaders = [
        subprocess.Popen(
            [*env_cmd, LOADER, pg_url, str(who), str(BATCHES)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in range(LOADERS)
    ]
    results = []
    try:
        for p in loaders:
            out, err = p.communicate(timeout=600)
            assert p.returncode == 0, err
            results += json.loads(out)
    finally:
        flag.write_text("done")
        reads = [json.loads(r.communicate(timeout=180)[0]) for r in readers]
    n_batches = LOADERS * BATCHES
    ids = [r[0] for r in results]
    assert sorted(ids) == list(range(1, n_batches + 1))  # every batch, each id once
    # the shared keys: one revision per batch, numbered 1..n without gap or repeat
    hist = store.history("shared")
    for _, revs in hist.groupby("area")["revision"]:
        assert sorted(revs) == list(range(1, n_batches + 1))
    # each loader's own keys: one revision per batch of that loader
    for who in range(LOADERS):
        own = store.history(f"own{who}")
        assert sorted(own.groupby("area")["revision"].max().unique()) == [BATCHES]
        assert len(own) == 10 * BATCHES
    stored = sum(r[1] + r[2] for r in results)
    assert store.counts()["observations"] == stored == n_batches * 30 + LOADERS * BATCHES * 10
    assert store.data_version() == n_batches
    # the latest value of a shared key is the one of the last batch (the highest id)
    last = max(results, key=lambda r: r[0])
    batches = store.batches().set_index("id")
    cur = store.current(indicators=["shared"])
    assert set(cur["batch_id"]) == {last[0]}
    assert batches.loc[last[0], "user_name"].startswith("loader")
    for r in reads:
        assert r["bad"] == [] and r["reads"] > 0


APPENDS = textwrap.dedent(
    """
    import sys
    from plantrack.auth.accounts import login
    from plantrack.store import Store
    from plantrack.store import auth_sql
    store, n = Store(sys.argv[1]), int(sys.argv[2])
    login(store, "clerk", "clerk-password-1", method="cli")  # the path CI saw collide
    for i in range(n):  # then appends as fast as transactions go (the login hashes slowly)
        with store._transaction() as con:
            auth_sql.append_audit(con, user_id=None, user_name="clerk", method="cli",
                                  action="test", obj=f"第 {i} 次")
    """
)


def test_concurrent_audit_appends_keep_one_unbroken_chain(pg_url):
    """Four processes log in and append audit rows at once: every row gets its own id and
    the chain verifies (CI found two logins reading the same last row and writing id 5 twice
    before the chain was locked)."""
    from plantrack.auth.accounts import create_user
    from plantrack.auth.audit import verify

    store = Store(pg_url)
    store.migrate()
    create_user(store, name="clerk", role="管理员", password="clerk-password-1")
    before = verify(store).rows
    procs, n = 4, 40
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDS, pg_url, str(n)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(procs)
    ]
    for p in runs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    result = verify(store)
    assert result.problems == []
    assert result.rows == before + procs * (n + 1)
