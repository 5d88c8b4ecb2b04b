"""`bench ui` gives the figures the README quotes, with the keys the issue names (values are not judged)."""

from backstretch.ui import bench


def test_frame_times_cover_every_size_with_percentiles():
    sizes = bench.frame_times(sizes=((800, 480), (240, 240)), frames=2)
    assert set(sizes) == {"800x480", "240x240"}
    for figures in sizes.values():
        assert set(figures) == {"p50_ms", "p95_ms"} and 0 < figures["p50_ms"] <= figures["p95_ms"]


def test_cli_bench_ui_prints_one_json_object(monkeypatch, capsys):
    import json

    from backstretch.kiosk import cli

    fake = {"sizes": {"800x480": {"p50_ms": 1.0, "p95_ms": 2.0}}, "first_frame_s": 0.5, "cpu_percent_30fps": 3.0}
    monkeypatch.setattr(bench, "run", lambda: fake)
    assert cli.main(["bench", "ui", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == fake
