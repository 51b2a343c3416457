"""The simulated observation: live time, event count, isotropy, injected dipole, determinism."""

import healpy as hp
import numpy as np
import pandas as pd
import pytest
from conftest import iss_orbit, sha256, small_settings
from scipy import integrate, stats

from calet_aniso.geometry.attitude import interval_index
from calet_aniso.geometry.frames import attitude_matrices, galactic_to_icrs, unit_vector
from calet_aniso.ingest.contract import EVENT_COLUMNS, ORBIT_COLUMNS
from calet_aniso.io.contract_tables import read_contract_table, write_contract_table
from calet_aniso.simulation.observation import simulate_observation, simulate_observation_files


def test_livetime_fraction_near_84_percent(month_observations):
    truth = month_observations["isotropic"][2]
    assert abs(truth["orbit"]["livetime_fraction"] - 0.84) < 0.02


def test_event_count_matches_flux_times_exposure(small_observation, flux, response):
    """N within 4σ of ∫ flux · acceptance dE × live time, integrated independently with quad."""
    orbit_table, events, truth, _ = small_observation
    settings = small_settings()
    rate, _ = integrate.quad(
        lambda e: flux(np.array([e]))[0] * response.acceptance_at(np.array([e]))[0],
        settings.min_energy_gev,
        settings.max_energy_gev,
        limit=400,
        epsrel=1e-8,
        points=list(response.energies_gev[(response.energies_gev > 30)]),
    )
    expected = rate * orbit_table["livetime"].sum()
    assert truth["expected_isotropic_events"] == pytest.approx(expected, rel=1e-4)
    assert abs(len(events) - expected) < 4 * np.sqrt(expected)


def exposure_moments(orbit_table, response, energies):
    """Exact first and second moments of event directions (ICRS) for an isotropic sky.

    E[n] = Σ_k L_k R_k m(E) / Σ L_k with m(E) = ∫ A(E, v) v dΩ / ∫ A(E, v) dΩ the mean
    detector direction, averaged over the events' energies; likewise for n nᵀ.
    """
    rot = attitude_matrices(
        *(orbit_table[c].to_numpy() for c in ("ra_scz", "dec_scz", "ra_scx", "dec_scx"))
    )
    live = orbit_table["livetime"].to_numpy()
    weights = live / live.sum()
    mean_rot = np.einsum("k,kij->ij", weights, rot)
    v = np.stack(hp.pix2vec(response.nside, np.arange(response.aeff_m2.shape[1])), axis=-1)
    # A(E_i, ·) is linear in the node maps, so node-level moments suffice.
    node_w = response.node_weight_matrix(energies)
    norm = node_w @ response.aeff_m2.sum(axis=1)
    m = ((node_w @ (response.aeff_m2 @ v)) / norm[:, None]).mean(axis=0)
    node_s = np.einsum("kp,pi,pj->kij", response.aeff_m2, v, v)
    s = np.einsum("nk,kij->ij", node_w / norm[:, None], node_s) / len(energies)
    first = mean_rot @ m
    second = np.einsum("k,kia,ab,kjb->ij", weights, rot, s, rot)
    return first, second


def direction_statistic(events, expected_mean):
    """Mean ICRS direction minus expectation and its χ² (3 dof) with the sample covariance."""
    ra, dec = galactic_to_icrs(events["l"].to_numpy(), events["b"].to_numpy())
    n = unit_vector(ra, dec)
    diff = n.mean(axis=0) - expected_mean
    cov = np.cov(n.T) / len(n)
    return diff, float(diff @ np.linalg.solve(cov, diff))


def test_isotropic_simulation_has_no_dipole_beyond_statistics(month_observations, response):
    orbit_table, events, _, _ = month_observations["isotropic"]
    first, _ = exposure_moments(orbit_table, response, events["energy"].to_numpy())
    diff, chi2 = direction_statistic(events, first)
    assert len(events) > 10_000
    # χ² with 3 dof: isotropic expectation not rejected at 0.1 %.
    assert stats.chi2.sf(chi2, 3) > 1e-3, (chi2, diff)


def test_injected_dipole_is_visible_with_the_right_amplitude(month_observations, response):
    orbit_table, events, truth, _ = month_observations["dipole"]
    first, second = exposure_moments(orbit_table, response, events["energy"].to_numpy())
    d = unit_vector(*galactic_to_icrs(np.array([263.55]), np.array([-2.79])))[0]
    amplitude = truth["dipole"]["amplitude"]
    _, chi2_iso = direction_statistic(events, first)
    assert stats.chi2.sf(chi2_iso, 3) < 1e-12  # clearly not isotropic
    # Exact expectation under I ∝ 1 + δ n·d weighted by the exposure.
    expected = (first + amplitude * second @ d) / (1.0 + amplitude * first @ d)
    _, chi2_dip = direction_statistic(events, expected)
    assert stats.chi2.sf(chi2_dip, 3) > 1e-3, chi2_dip


def test_events_fall_in_live_intervals(small_observation):
    orbit_table, events, _, _ = small_observation
    index = interval_index(
        orbit_table["start"].to_numpy(), orbit_table["stop"].to_numpy(), events["time"].to_numpy()
    )
    assert np.all(index >= 0)
    assert np.all(orbit_table["livetime"].to_numpy()[index] > 0)
    assert np.all(np.diff(events["time"]) >= 0)


@pytest.mark.parametrize("fmt", ["parquet", "fits", "csv"])
def test_same_settings_same_bytes(tmp_path, response, flux, time_system, fmt):
    settings = small_settings(stop_utc="2016-03-01T06:00:00")
    for run in ("a", "b"):
        orbit_table, events, _ = simulate_observation(
            settings, iss_orbit(settings.start_utc), time_system, response, flux
        )
        write_contract_table(orbit_table, tmp_path / f"orbit_{run}.{fmt}", ORBIT_COLUMNS, "orbit")
        write_contract_table(events, tmp_path / f"events_{run}.{fmt}", EVENT_COLUMNS, "events")
    assert sha256(tmp_path / f"orbit_a.{fmt}") == sha256(tmp_path / f"orbit_b.{fmt}")
    assert sha256(tmp_path / f"events_a.{fmt}") == sha256(tmp_path / f"events_b.{fmt}")


@pytest.mark.parametrize("fmt", ["fits", "parquet"])
def test_start_convention_files_state_it_and_ingest_reads_them_right(
    tmp_path, response, flux, time_system, fmt
):
    """The simulation writes FT2-like orbit tables (attitude at interval starts) on request;
    the files state the convention and their time system, and ingest, from the files alone,
    recomputes the simulation's exact directions."""
    from conftest import INGEST_30

    from calet_aniso.ingest.normalise import ingest

    settings = small_settings(stop_utc="2016-03-01T12:00:00", attitude_at="start")
    orbit_table, events, _ = simulate_observation(
        settings, iss_orbit(settings.start_utc), time_system, response, flux
    )
    write_contract_table(orbit_table, tmp_path / f"orbit.{fmt}", ORBIT_COLUMNS, "orbit")
    write_contract_table(events, tmp_path / f"events.{fmt}", EVENT_COLUMNS, "events")
    result = ingest(
        [str(tmp_path / f"orbit.{fmt}")],
        [str(tmp_path / f"events.{fmt}")],
        None,
        INGEST_30,
        attitude_at="auto",
    )
    assert result.report["orbit"]["files"][0]["attitude_at"] == "start"
    assert result.time_system.same_as(time_system)
    assert result.report["events"]["lb_check"]["max_separation_deg"] < 1e-4


@pytest.mark.parametrize("fmt", ["parquet", "csv.gz"])
def test_files_written_chunk_by_chunk_equal_the_tables_in_memory(
    tmp_path, small_observation, response, flux, time_system, fmt
):
    """The rule writes the orbit table a chunk at a time and draws the events reading it
    back: the same rows, events and truth as the whole tables in memory (the truth's live
    time summed chunk by chunk: equal to 1e-13)."""
    orbit_table, events, truth, orbit = small_observation
    paths = (tmp_path / f"orbit.{fmt}", tmp_path / f"events.{fmt}")
    streamed = simulate_observation_files(
        small_settings(), orbit, time_system, response, flux, paths, chunk_rows=333
    )
    pd.testing.assert_frame_equal(
        read_contract_table(paths[0], ORBIT_COLUMNS), orbit_table, check_exact=True
    )
    pd.testing.assert_frame_equal(
        read_contract_table(paths[1], EVENT_COLUMNS), events, check_exact=True
    )
    assert streamed["written_events"] == truth["written_events"] > 1000
    assert streamed["total_livetime_s"] == pytest.approx(truth["total_livetime_s"], rel=1e-13)
    assert streamed["orbit"].keys() == truth["orbit"].keys()
