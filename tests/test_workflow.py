"""The real Snakefile: lint, dry run, bad config, end-to-end runs, a user-defined data period."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, sha256
from workflow_runs import (
    SMALL,
    SMALL_CONFIG,
    clean,
    result,
    snakemake,
    write_user_period,
)

from calet_aniso.config.paths import model_id, path
from calet_aniso.config.schema import load_config

pytestmark = pytest.mark.slow  # real Snakemake runs: not in make test-fast


def test_lint_is_clean():
    proc = snakemake("--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dry_run_of_the_whole_default_dag():
    proc = snakemake("-n", "--forceall")
    for rule in (
        "simulate_observation",
        "ingest",
        "livetime_cube",
        "exposure_maps",
        "selection_statistics",
        "dipole_limits",
        "figure_exposure",
        "mc_expected_counts",
        "mc_shard",
        "mc_summary",
        "figure_dipole",
        "fit_flux_model",
        "figure_flux_model",
        "vela_anisotropy",
        "figure_vela",
        "all",
    ):
        assert rule in proc.stdout


def test_slurm_profile_dry_run():
    """The SLURM profile resolves and plans the whole DAG (CI has no cluster: dry run)."""
    proc = snakemake(
        "-n", "--forceall", "--workflow-profile", "profiles/slurm", "--executor", "slurm"
    )
    for rule in ("mc_shard", "dipole_limits", "figure_vela"):
        assert rule in proc.stdout


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"analysis": {"thresholds_gev": [250, 125]}}, "analysis.thresholds_gev"),
        ({"analysis": {"nside": 63}}, "nside"),
        ({"response": "resources/response/missing.fits"}, "response"),
        (
            {"data": {"source": "files", "orbit": ["/nonexistent/*.fits"], "events": ["x.csv"]}},
            "data.orbit",
        ),
        ({"simulation": {"cadence_s": -1}}, "cadence_s"),
        (
            {
                "data": {
                    "source": "files",
                    "orbit": ["resources/fluxes/*.csv"],
                    "events": ["resources/fluxes/*.csv"],
                }
            },
            "time_system",
        ),
        ({"model": {"fit": {"min_energy_gev": 200}}}, "mc.flux_source"),
        (
            {"model": {"fit": {"positron_tables": {"AMS-02": "resources/fluxes/none.csv"}}}},
            "model.fit.positron_tables.AMS-02",
        ),
        ({"unknown_key": 1}, "unknown_key"),
        ({"period": ".."}, "'..' does not match"),
        ({"period": "-rf"}, "'-rf' does not match"),
    ],
)
def test_bad_config_stops_before_any_job(tmp_path, override, key):
    # a complete period file; an override may replace the period or the data section
    cfg = {"period": "test_badcfg", "data": {"source": "simulation"}, **override}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    proc = snakemake("--configfile", str(path), check=False)
    assert proc.returncode != 0
    assert key in proc.stdout + proc.stderr
    assert not (REPO / "results/test_badcfg").exists()


def test_end_to_end_small_config(small_run):
    report = json.loads((result("ingest_report")).read_text())
    truth = json.loads((result("simulation_truth")).read_text())
    assert report["events"]["rows_in"] == truth["written_events"]
    assert (
        report["events"]["rows_out"] + report["events"]["cuts"]["energy_below_min"]
        == truth["written_events"]
    )
    assert report["orbit"]["rows_out"] == 3 * 1440
    assert abs(report["orbit"]["livetime_fraction"] - 0.84) < 0.03
    events = pd.read_parquet(result("events"))
    assert events["energy"].min() >= 20.0
    assert report["events"]["lb_check"]["max_separation_deg"] < 1e-3


def test_headline_table_and_figure(small_run):
    import healpy as hp

    table = pd.read_csv(result("headline_csv"))
    assert table["threshold_gev"].tolist() == [20, 80]
    for column in (
        "n_events",
        "c0",
        "c1",
        "c2",
        "c3",
        "delta",
        "delta_ul95",
        "dipole_l_deg",
        "dipole_b_deg",
        "c2_uncorrected",
        "delta_uncorrected",
    ):
        assert column in table
    assert (table["n_events"].diff().dropna() <= 0).all()
    assert (table["delta_ul95"] > table["delta"]).all()
    pd.testing.assert_frame_equal(
        pd.read_parquet(result("headline_parquet")), table, atol=1e-6, check_dtype=False
    )
    counts = hp.read_map(result("skymap", selection="20"), field=0)
    assert counts.sum() == table["n_events"].iloc[0] and len(counts) == hp.nside2npix(16)
    vela = pd.read_parquet(result("vela_thresholds"))
    assert vela["threshold_gev"].tolist() == [20, 80]
    assert (vela["delta_above"].diff().dropna() > 0).all()  # Vela matters more at higher energy
    assert (vela["delta_above_all_sources"] > 0).all() and vela["dipole_b_deg"].abs().le(90).all()
    for name in (
        "fig1_exposure",
        "fig2_flux_model",
        "fig3_dipole",
        "fig3b_multipoles",
        "fig4_vela",
    ):
        for suffix in ("png", "pdf"):
            assert (result(name, ext=suffix)).stat().st_size > 10_000
    for column in (
        "mc_delta_m2s",
        "mc_delta_med",
        "mc_delta_p2s",
        "mc_delta_ul95_p1s",
        "mc_c2_over_c0_m1s",
        "mc_c3_over_c0_uncorrected_p2s",
    ):
        assert table[column].notna().all(), column
    assert (table["mc_delta_m2s"] <= table["mc_delta_m1s"]).all()
    assert (table["mc_delta_m1s"] <= table["mc_delta_med"]).all()
    assert (table["mc_delta_med"] <= table["mc_delta_p1s"]).all()
    assert (table["mc_delta_p1s"] <= table["mc_delta_p2s"]).all()
    # the coverage-correct limit: tighter than eq. 2.3 for an isotropic sky
    assert (table["mc_delta_ul95_neyman_med"] < table["mc_delta_ul95_med"]).all()
    assert table["delta_ul95_neyman"].ge(0).all()
    for name in ("delta", "c2_over_c0", "c3_over_c0"):
        assert table[f"{name}_pvalue"].between(0, 1, inclusive="right").all()
    assert table["dipole_direction_error_deg"].gt(0).all()
    assert (table["delta_fc95_low"] <= table["delta"]).all()
    assert (table["delta_fc95_high"] > table["delta_fc95_low"]).all()
    assert (table["delta_detected_3sigma"] == (table["delta_significance_sigma"] >= 3)).all()
    # the differential bin: every column of the thresholds' table, its edges in place of the
    # threshold; its events are those of the data in the bin
    bins = pd.read_csv(result("headline_bins_csv"))
    assert list(bins.columns[:2]) == ["energy_min_gev", "energy_max_gev"]
    assert list(bins.columns[2:]) == [c for c in table.columns if c != "threshold_gev"]
    events = pd.read_parquet(result("events"), columns=["energy"])["energy"]
    inside = events.between(30, 60, inclusive="left").sum()
    assert bins["n_events"].iloc[0] <= inside and bins["mc_delta_med"].notna().all()
    # the global p-value: the smallest local p-value is the tables' smallest, and the global
    # one (calibrated on 9 correlated tests) lies between it and Šidák's bound for 9
    found = json.loads(result("global_pvalue").read_text())
    local = pd.concat([table, bins])[[f"{n}_pvalue" for n in ("delta", "c2_over_c0", "c3_over_c0")]]
    assert found["tests"] == 9 and found["min_pvalue"] == pytest.approx(local.min().min())
    assert found["min_pvalue"] * 0.9 <= found["global_pvalue"]
    assert found["global_pvalue"] <= 1 - (1 - found["min_pvalue"]) ** 9 + 0.05


def test_model_fit_outputs_feed_the_monte_carlo(small_run):
    from calet_aniso.io.files import read_parquet_metadata

    for variant in ("reference", "vela"):
        fit = json.loads((result("fit_summary", variant=variant)).read_text())
        assert fit["valid"] and 0.3 < fit["chi2_per_ndf"] < 1.5
        assert set(fit["chi2_by_dataset"]) == {"CALET e+e-", "AMS-02 e+e-", "AMS-02 e+"}
        parameters = pd.read_parquet(result("fit_parameters", variant=variant))
        assert parameters.set_index("parameter").loc["eta", "value"] == fit["values"]["eta"]
        curves = pd.read_parquet(result("flux_curves", variant=variant))
        assert ("vela" in curves) == (variant == "vela")
    expected = result("expected_counts")
    meta = read_parquet_metadata(expected)
    assert meta["flux_source"] == "fitted_model"
    assert meta["flux"] == path(
        "flux_curves", model=model_id(SMALL_CONFIG["model"]), variant="reference"
    )
    counts = pd.read_parquet(expected)
    # The fitted model describes the flux the simulation drew from: counts agree to 4 sigma.
    deviation = (counts["expected_model"] - counts["observed"]) / np.sqrt(counts["observed"])
    assert (deviation.abs() < 4).all(), deviation.tolist()


def output_hashes(run_dir):
    """Hashes of every output except logs, benchmarks and per-shard files (those depend on
    the shard layout by construction; the gathered samples do not)."""
    return {
        str(p.relative_to(run_dir)): sha256(p)
        for p in sorted(run_dir.rglob("*"))
        if p.is_file()
        and p.parent.name not in ("logs", "benchmarks")
        and not p.name.startswith("shard_")
    }


def test_rerun_with_one_shard_gives_identical_bytes(small_run, tmp_path):
    """The Monte Carlo rerun in 1 shard instead of 2 gives the gathered samples and their
    summary byte-identical (so everything after them is too). (1, 3 and 7 shards in one
    process, 1 or 2 threads: tests/test_montecarlo.py; the whole pipeline rerun elsewhere,
    on SLURM, byte-identical: tests/test_cluster.py.)"""
    first = output_hashes(small_run)
    assert result("mc_shard", shard="1").exists()
    cfg = yaml.safe_load(SMALL.read_text())
    cfg["mc"]["shards"] = 1
    path = tmp_path / "shards_1.yaml"
    path.write_text(yaml.safe_dump(cfg))
    proc = snakemake("--configfile", str(path), "--until", "mc_summary", "--forcerun", "mc_shard")
    assert "mc_summary" in proc.stdout + proc.stderr  # the samples were gathered anew
    assert output_hashes(small_run) == first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period: test_incomplete\nanalysis: {nside: 16}\n", "'data.source': missing in"),
        ("data: {source: simulation}\n", "'period': missing in"),
        (
            "period: test_twice\ndata: {source: simulation}\nperiod: test_other\n",
            "'period': given twice in",
        ),
    ],
    ids=["no-data-source", "no-period", "repeated-key"],
)
def test_a_period_file_must_stand_on_its_own(tmp_path, text, message):
    """A --configfile without data.source or period, or with a key written twice, stops the
    run before any job with one line naming the key and the file (merged over
    config/config.yaml it would otherwise run the default period's settings unseen)."""
    path = tmp_path / "period.yaml"
    path.write_text(text)
    proc = snakemake("-n", "--configfile", str(path), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert message in output and str(path) in output
    assert not (REPO / "results/test_incomplete").exists()


def test_comparison_model_fits_are_shared_between_periods(small_run, tmp_path):
    """Another period with the same model configuration plans no fit: it reuses the fits."""
    cfg = yaml.safe_load(SMALL.read_text())
    cfg["period"] = "test_other_period"
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(cfg))

    def planned(rule: str) -> bool:  # the rule in the dry run's job table
        stdout = snakemake("-n", "--configfile", str(other)).stdout
        return re.search(rf"^{rule}\s+\d+\s*$", stdout, re.MULTILINE) is not None

    assert planned("vela_anisotropy") and not planned("fit_flux_model")
    cfg["model"] = {"vela": {"age_kyr": 12.0}}
    other.write_text(yaml.safe_dump(cfg))
    assert planned("fit_flux_model")
    assert not (REPO / "results/test_other_period").exists()


def test_every_result_path_is_in_the_readme_layout():
    """The README's results layout names every file kind of the path catalogue."""
    from calet_aniso.config.paths import MODEL_DIR, PATTERNS, PERIOD_DIR

    readme = (REPO / "README.md").read_text()
    layout = readme[readme.index("## Results layout") :].split("```")[1]
    for kind, pattern in PATTERNS.items():
        relative = pattern.replace(f"{PERIOD_DIR}/", "").replace(f"{MODEL_DIR}/", "")
        assert relative in layout, (kind, relative)


def test_validating_a_config_loads_neither_simulation_nor_analysis():
    code = (
        "import sys; from calet_aniso.config.schema import load_config; "
        "load_config('config/config.yaml', overrides={'data': {'source': 'files', "
        "'orbit': ['resources/orbit/iss_tle.txt'], 'events': ['resources/orbit/iss_tle.txt']}}); "
        "loaded = [m for m in sys.modules if m.startswith('calet_aniso.')]; print(loaded); "
        "assert not [m for m in loaded if m.split('.')[1] in ('simulation', 'analysis', "
        "'montecarlo', 'exposure', 'comparison_model')]"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_user_adds_a_data_period(tmp_path, small_observation):
    """Files in a folder of the user's and one YAML are ingested and give an exposure (the
    whole pipeline on files: the Fermi-LAT test below)."""
    config_path = write_user_period(tmp_path, small_observation)
    clean("test_user_period")
    try:
        snakemake("--configfile", str(config_path), "--until", "exposure_maps")
        assert (REPO / "results/test_user_period/exposure/exposure_nodes.fits").is_file()
        out = REPO / "results/test_user_period/ingest"
        report = json.loads((out / "ingest_report.json").read_text())
        assert len(report["orbit"]["files"]) == 2
        events = pd.read_parquet(out / "events.parquet")
        assert len(events) == int((small_observation[1]["energy"] >= 30).sum())
    finally:
        clean("test_user_period")


def test_bad_input_fails_the_run_without_outputs(tmp_path, small_observation):
    config_path = write_user_period(tmp_path, small_observation, break_events=True)
    clean("test_user_period_bad")
    raw = tmp_path / "calet_data/events/events.csv"
    before = sha256(raw)
    try:
        proc = snakemake("--configfile", str(config_path), check=False)
        assert proc.returncode != 0
        text = proc.stdout + proc.stderr
        assert (
            "events.csv: column 'energy': non-positive energy in 1 row; first at data row 10"
            in text
        )
        assert "Traceback (most recent call last)" not in text
        out = REPO / "results/test_user_period_bad/ingest"
        assert not out.exists() or not any(out.iterdir())
        assert sha256(raw) == before
    finally:
        clean("test_user_period_bad")


def test_conda_environment_matches_pyproject():
    """envs/calet.yaml pins what pyproject.toml requires (snakemake runs the rules, outside)."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((REPO / "envs/calet.yaml").read_text())["dependencies"]
    requirement = re.compile(r"([A-Za-z0-9_.-]+)\s*(.*)")
    required = {m[1].lower(): m[2] for m in map(requirement.match, project)}
    pinned = {m[1].lower(): m[2] for m in map(requirement.match, env)}
    required.pop("snakemake")
    for tool in ("python", "pip", "setuptools"):
        pinned.pop(tool)
    assert pinned == required
    assert (REPO / "envs/calet.post-deploy.sh").read_text().count("pip install") == 1


def test_rule_resources_are_stated_once():
    """Threads and resources live in the rules; the profiles set none per rule."""
    for profile in ("default", "slurm"):
        settings = yaml.safe_load((REPO / f"profiles/{profile}/config.yaml").read_text())
        assert not {"set-resources", "set-threads", "printshellcmds"} & set(settings), profile
        assert "cpus_per_task" not in settings.get("default-resources", {})


def test_fermi_ft1_ft2_period_runs_to_the_dipole_limits_and_figure_4(tmp_path):
    """FT2 + FT1 files as the Fermi tools write them, one YAML, no option beyond the
    documented ones: the time system comes from the headers, the attitude convention from
    the FT2 definition, SAA events are dropped, GTIs honoured; ingest, exposure, sky maps,
    Monte Carlo, limits and Figure 4 (the rest of the DAG: the small config's run)."""
    from fermi_files import write_fermi_period

    truth = write_fermi_period(tmp_path / "fermi", hours=24.0, n_events=3000)
    config = {
        "period": "test_fermi",
        "data": {
            "source": "files",
            "orbit": [str(tmp_path / "fermi/ft2.fits")],
            "events": [str(tmp_path / "fermi/ft1.fits")],
        },
        "ingest": {"min_energy_gev": 20, "outside_livetime": "drop"},
        "analysis": {"thresholds_gev": [20, 40], "nside": 16, "energy_bins_gev": []},
        "figures": {"exposure_thresholds_gev": [20, 40]},
        # Another instrument's events with the CALET-like response: the model's count cannot
        # describe them, so the user takes the observed count (the default would stop the run).
        "mc": {
            "samples": 200,
            "shards": 1,
            "expected_counts": "observed",
            "belt_skies_per_direction": 10,
            "injection_skies": 10,
        },
    }
    path = tmp_path / "fermi.yaml"
    path.write_text(yaml.safe_dump(config))
    clean("test_fermi")
    loaded = load_config(REPO / "config/config.yaml", path)
    targets = [result("headline_csv", loaded), result("fig4_vela", loaded, ext="png")]
    try:
        # targets first: --configfile takes every argument after it
        snakemake(*(str(t.relative_to(REPO)) for t in targets), "--configfile", str(path))
        report = json.loads(result("ingest_report", loaded).read_text())
        assert report["time_system"]["scale"] == "tt"
        assert report["time_system"]["epoch"].startswith("2001-01-01T00:01:04.184")
        assert report["orbit"]["files"][0]["attitude_at"] == "start"
        assert report["events"]["files"][0]["dropped"] == truth.dropped
        assert report["events"]["radec_check"]["max_separation_deg"] < 0.05
        table = pd.read_csv(result("headline_csv", loaded))
        assert table["threshold_gev"].tolist() == [20, 40] and (table["n_events"] > 100).all()
        assert result("fig4_vela", loaded, ext="png").stat().st_size > 10_000
    finally:
        clean("test_fermi")


CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a headless chromium as root on a machine without network (see tests/browser).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
CATEGORIES = {
    "Data QA",
    "Dipole and limits",
    "Exposure",
    "Model",
    "Multipoles",
    "Sky maps",
    "Validation",
}


def test_summary_command(small_run):
    """`calet-aniso summary` prints every threshold and says the data are simulated; --json
    gives the same numbers as the headline table."""
    command = [str(Path(sys.executable).parent / "calet-aniso"), "summary", str(small_run)]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "test_small (SIMULATED data)" in text
    for threshold in ("20", "80"):
        assert re.search(rf"^{threshold}\s+\d+", text, re.M), threshold
    summary = json.loads(
        subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout
    )
    table = pd.read_parquet(result("headline_parquet"))
    assert [r["threshold_gev"] for r in summary["thresholds"]] == [20, 80]
    np.testing.assert_allclose([r["delta"] for r in summary["thresholds"]], table["delta"])
    assert all(0 < r["delta_pvalue"] <= 1 for r in summary["thresholds"])
    assert summary["simulated"] and summary["directions"] == ["vela"]
    # the differential bin of the small config and the global p-value
    bins = pd.read_parquet(result("headline_bins_parquet"))
    assert [(r["energy_min_gev"], r["energy_max_gev"]) for r in summary["bins"]] == [(30, 60)]
    assert summary["bins"][0]["n_events"] == bins["n_events"].iloc[0]
    assert re.search(r"^30–60\s+\d+", text, re.M)
    assert (
        "Global p-value over 9 tests" in text and 0 < summary["global_pvalue"]["global_pvalue"] <= 1
    )
    # Figures 1–4 (3, 3b), 4 sky maps, the forecast and the injection–recovery figure
    assert len(summary["figures"]) == 5 + 2 + 1 + 1  # proceedings, sky maps, forecast, validation
    missing = subprocess.run(
        [command[0], "summary", str(tmp := small_run.parent / "no_such_period")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and str(tmp) in missing.stderr


def show_result(page, content: str, entry: dict) -> None:
    """Show a report result in the report's own viewer ('img' or 'html'), as its eye button
    does."""
    page.evaluate(
        "([content, uri, path]) => app.setView({content, contentPath: uri, resultPath: path})",
        [content, entry["uri"], entry["path"]],
    )


def test_report_in_a_browser(small_run):
    """The Snakemake report opens in Debian's chromium without script errors; the landing page
    shows the period as SIMULATED and the headline table; every figure renders (an image with
    a size) with a caption, every HTML page shows its table. Screenshot: test-artifacts/."""
    report = small_run / "report.html"
    snakemake("--configfile", str(SMALL), "--report", str(report))
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: tests/browser/install-chromium.sh installs it")
        pytest.skip("no /usr/bin/chromium (make browser installs it; required in CI)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(report.as_uri())
        landing = page.locator("#app")
        landing.get_by_text("SIMULATED data.").wait_for(timeout=30_000)
        table = page.locator("table").first
        assert table.is_visible()
        assert table.locator("tbody tr").count() == 2  # one row per threshold
        page.wait_for_timeout(500)  # the menu fades in
        page.screenshot(path=str(ARTIFACTS / "report_landing.png"))
        results = page.evaluate(
            "Object.entries(results).map(([path, r]) => "
            "({path, mime: r.mime_type, caption: r.caption || '', uri: r.data_uri}))"
        )
        assert len(results) >= 5 + 2 + 2
        assert set(page.evaluate("Object.keys(categories)")) == CATEGORIES
        page.get_by_role("link", name="Sky maps", exact=True).click()  # a real click
        page.get_by_text("E ≥ 20 GeV").first.wait_for(timeout=10_000)  # its subcategories
        for entry in results:
            assert len(entry["caption"]) > 100, entry["path"]
            if entry["mime"] == "image/png":
                show_result(page, "img", entry)
                image = page.locator("#app img[src^='data:image/png']")
                image.wait_for(timeout=10_000)
                width = page.wait_for_function(
                    "() => { const i = document.querySelector(\"#app img[src^='data:image/png']\");"
                    " return i && i.complete && i.naturalWidth; }",
                    timeout=10_000,
                ).json_value()
                assert width > 500, entry["path"]
            elif entry["mime"] == "text/html":
                show_result(page, "html", entry)
                frame = page.frame_locator("#app iframe")
                assert frame.locator("table").first.is_visible(timeout=10_000), entry["path"]
        show_result(page, "img", next(r for r in results if r["path"].endswith("fig3_dipole.png")))
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "report_figure3.png"))
        browser.close()
    assert errors == []
