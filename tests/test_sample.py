"""The sample generator: deterministic, committed output reproducible, planted problems present in the data."""

from __future__ import annotations


import duckdb

from dashboard.sample import FILES, generate
from tests.conftest import SAMPLE


def _bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(str(a), seed=3, scale=0.2, until="2026-06-30")
    generate(str(b), seed=3, scale=0.2, until="2026-06-30")
    generate(str(c), seed=4, scale=0.2, until="2026-06-30")
    assert _bytes(a) == _bytes(b)
    assert _bytes(a)["transfers.csv.gz"] != _bytes(c)["transfers.csv.gz"]


def test_the_committed_sample_is_what_the_generator_makes(tmp_path):
    generate(str(tmp_path))
    assert _bytes(tmp_path) == _bytes(SAMPLE), "regenerate with: python -m dashboard sample --out sample_data"


def test_the_committed_sample_is_small():
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 10 * 1024 * 1024


def test_scale_multiplies_volumes(tmp_path):
    small = generate(str(tmp_path / "s"), scale=0.5, until="2026-06-30")["rows"]
    large = generate(str(tmp_path / "l"), scale=2, until="2026-06-30")["rows"]
    for log in ("dsr_events", "transfers", "consent_events"):
        assert 3.2 < large[log] / small[log] < 4.8, log


def test_manifest_lists_every_kind_of_planted_problem(manifest):
    planted = manifest["planted"]
    for group, kinds in {
        "requests": ["overdue", "late", "valid_extension", "invalid_extension", "repeat_access_subjects",
                     "depends_on_calendar", "identification", "missed_internal_target"],
        "holds": ["overdue_holds"],
        "transfers": ["non_eea_mechanism_none", "adequacy_without_decision", "sale_without_consent"],
        "cookies": ["cookie_before_consent", "not_a_finding", "unknown_cookies"],
        "consent": ["banner_checks", "withdrawal_may_be_hard", "necessary_not_in_policy"],
    }.items():
        for kind in kinds:
            assert planted[group][kind], f"nothing planted for {group}.{kind}"
    assert manifest["as_of"] == manifest["until"]
    assert manifest["files"] == FILES


def test_planted_rows_are_in_the_sample_store(sample_store, manifest):
    con = duckdb.connect(str(sample_store), read_only=True)
    planted = manifest["planted"]
    try:
        for item in planted["requests"]["overdue"]:
            events = [r[0] for r in con.sql("select event from dsr_events where request_id = $r",
                                            params={"r": item["request_id"]}).fetchall()]
            assert events == ["received"], item
        for item in planted["transfers"]["non_eea_mechanism_none"]:
            row = con.sql("select country, mechanism from transfers where transfer_id = $t",
                          params={"t": item["transfer_id"]}).fetchall()
            assert row == [("IN", "none")]
        for item in planted["holds"]["overdue_holds"]:
            events = [r[0] for r in con.sql("select event from hold_events where hold_id = $h",
                                            params={"h": item["hold_id"]}).fetchall()]
            assert events == ["placed"]
        from dashboard.contract import LOGS

        counts = {log: con.sql(f"select count(*) from {log}").fetchall()[0][0] for log in LOGS}
        assert counts == manifest["rows"]
    finally:
        con.close()


def test_sample_has_realistic_shapes(sample_store):
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        types = dict(con.sql("select request_type, count(*) from dsr_events where event = 'received' "
                             "group by all").fetchall())
        assert types["access"] > types["rectification"] and types["erasure"] > types["objection"]
        non_eea = con.sql("select distinct country from transfers where country not in "
                          "('SE','DE','FI','NO','DK')").fetchall()
        assert {("US",), ("IN",)} <= set(non_eea)
        versions = con.sql("select banner_version, avg(case when action = 'reject_all' then 1 else 0 end) "
                           "from consent_events where action <> 'shown' and banner_version not like '%-ab-%' "
                           "group by all order by 1").fetchall()
        assert len(versions) == 3 and versions[1][1] > 2 * versions[0][1], "the reject button shows an effect"
    finally:
        con.close()


def test_the_benchmarks_shards_are_new_rows_that_all_load(tmp_path, monkeypatch):
    """bench generates a large volume as shards, each a generation with its own seed and its ids and pseudonyms
    suffixed: one file per log, nothing a duplicate, nothing rejected, every planted problem in every shard."""
    from dashboard import bench
    from dashboard.ingest import ingest_file
    from dashboard.sample import FILES

    monkeypatch.setattr(bench, "SHARD_SCALE", {"consent": 0.1, "requests": 0.1, "transfers": 0.1})
    # in this process: a test worker of pytest-xdist cannot spawn the shard processes `make bench` uses (its main
    # module is execnet's); the shards and their join are the same either way
    monkeypatch.setattr(bench, "SHARD_PROCESSES", 1)
    work = tmp_path / "logs"
    result = bench.phase_generate(str(work), {"consent": 0.2, "requests": 0.2, "transfers": 0.2})
    assert result["shards"] == 2 and sorted(p.name for p in work.iterdir()) == sorted(FILES.values())
    one = generate(str(tmp_path / "one"), seed=7, volumes={"consent": 0.1, "requests": 0.1, "transfers": 0.1})
    assert result["planted"]["requests"] >= 2 * len(one["planted"]["requests"]["overdue"])
    db = tmp_path / "audit.duckdb"
    for path in sorted(work.iterdir()):
        loaded = ingest_file(str(path), db)
        assert loaded.exit_code == 0 and loaded.accepted == result["rows"][loaded.log] > 0, loaded


def test_the_benchmark_reuses_logs_only_from_the_same_generator_at_the_same_volumes(tmp_path, monkeypatch):
    """bench --reuse takes the logs a kept run generated, and removes what that run left after them; it generates
    again when the volumes, the generator or any log differ."""
    import json

    from dashboard import bench

    volumes = {"consent": 750, "requests": 1970, "transfers": 820}
    record = {"rows": {"consent_events": 1}, "seconds": 1.0, "peak_mb": 1.0, "shards": 150}

    def kept_run(generator=None):
        work = tmp_path / "work"
        if work.exists():
            import shutil
            shutil.rmtree(work)
        work.mkdir()
        for name in FILES.values():
            (work / name).write_text("log")
        (work / "audit.duckdb").write_text("store")
        (work / "formats").mkdir()
        (work / bench.GENERATED).write_text(json.dumps(
            {"generator": generator or bench.generator_digest(), "volumes": volumes, **record}))
        return work

    work = kept_run()
    assert bench._reusable(work, volumes) == record
    assert sorted(p.name for p in work.iterdir()) == sorted([bench.GENERATED, *FILES.values()])

    assert bench._reusable(kept_run(), {**volumes, "consent": 75}) is None
    assert bench._reusable(kept_run(generator="0" * 64), volumes) is None
    work = kept_run()
    (work / FILES["transfers"]).unlink()
    assert bench._reusable(work, volumes) is None
    (work / bench.GENERATED).write_text("{not json")
    assert bench._reusable(work, volumes) is None
    monkeypatch.setattr(bench, "SHARD_SCALE", {"consent": 1, "requests": 1, "transfers": 1})
    assert bench._reusable(kept_run(generator=None), volumes) is not None  # digest taken now: equal
    work = kept_run()
    monkeypatch.setattr(bench, "SHARD_SCALE", {"consent": 2, "requests": 1, "transfers": 1})
    assert bench._reusable(work, volumes) is None  # the sharding changed since the logs were made
