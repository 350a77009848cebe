"""The Fay–Herriot EBLUP: published milk-data numbers, samplics, a simulation, bad inputs."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

from sinergi.errors import PipelineError
from sinergi.pipeline.stats.fay_herriot import fit_fay_herriot, mse_to_cv

with warnings.catch_warnings():
    # samplics is archived and says so on import; it is only the independent cross-check.
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.datasets import load_expenditure_milk
    from samplics.sae import EblupAreaModel
    from samplics.utils.types import FitMethod


def _milk() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sae ``milk`` data: direct estimate, sampling variance, [1, MajorArea 2..4 dummies].

    The design matrix is what R builds for ``yi ~ as.factor(MajorArea)``.
    """
    data = load_expenditure_milk()["data"].sort_values("small_area")
    major = data["major_area"].to_numpy()
    x = np.column_stack([np.ones(len(data))] + [(major == k).astype(float) for k in (2, 3, 4)])
    return data["direct_est"].to_numpy(), data["std_error"].to_numpy() ** 2, x


# --- 1. Published numbers -------------------------------------------------------------------

# R `sae` output for eblupFH/mseFH(yi ~ as.factor(MajorArea), SD^2, method = "REML") on the
# milk data, the Fay-Herriot example of Molina & Marhuenda (2015), "sae: An R Package for
# Small Area Estimation", The R Journal 7(1) 81-98. The numbers (coefficients, standard
# errors, 43 EBLUPs, 43 MSEs, 7-9 digits) are those recorded in samplics' own test suite,
# samplics-org/samplics tests/sae/test_eblup_area_model.py. They are R's numbers, not
# samplics': they come out only with sae's start (the median sampling variance) and its
# default PRECISION = 1e-4; samplics itself starts elsewhere and stops at other values.
R_SAE_BETA = [0.9681890, 0.1327801, 0.2269462, -0.2413011]
R_SAE_BETA_SE = [0.06936208, 0.10300072, 0.09232981, 0.08161707]
R_SAE_EBLUP = [
    1.0219703, 1.0476018, 1.0679513, 0.7608170, 0.8461574, 0.9743727, 1.0584523, 1.0977762,
    1.2215449, 1.1951455, 0.7852155, 1.2139456, 1.2096593, 0.9834967, 1.1864247, 1.1556982,
    1.2263411, 1.2856486, 1.2363247, 1.2349600, 1.0903019, 1.1923057, 1.1216470, 1.2230296,
    1.1938054, 0.7627195, 0.7649550, 0.7338443, 0.7699294, 0.6134418, 0.7695558, 0.7958250,
    0.7723187, 0.6102302, 0.7001782, 0.7592787, 0.5298867, 0.7434466, 0.7548996, 0.7701918,
    0.7481164, 0.8040773, 0.6810870,
]  # fmt: skip
R_SAE_MSE = [
    0.013460220, 0.005372876, 0.005701990, 0.008541740, 0.009579594, 0.011670632, 0.015926137,
    0.010586518, 0.014184043, 0.014901472, 0.007694262, 0.016336469, 0.012562726, 0.012117378,
    0.012031229, 0.011709147, 0.010859780, 0.013690860, 0.011034674, 0.013079686, 0.009948636,
    0.017243977, 0.011292325, 0.013625297, 0.008065787, 0.009205133, 0.009205133, 0.016476912,
    0.007800626, 0.006098668, 0.015441564, 0.014657866, 0.009024699, 0.003870786, 0.007800626,
    0.009646139, 0.006404335, 0.010155645, 0.007209937, 0.008470277, 0.005484860, 0.009205133,
    0.009903626,
]  # fmt: skip


def test_reproduces_r_sae_on_milk_with_its_settings() -> None:
    y, psi, x = _milk()
    fit = fit_fay_herriot(y, psi, x, tol=1e-4)  # sae's default PRECISION

    assert fit.converged and fit.method == "REML"
    # "Convergence after 4 iterations" is printed for this fit by the CRAN package saens
    # (README, https://cran.r-project.org/web/packages/saens/readme/README.html).
    assert fit.iterations == 4
    np.testing.assert_allclose(fit.beta, R_SAE_BETA, atol=5e-8)
    np.testing.assert_allclose(fit.beta_se, R_SAE_BETA_SE, atol=5e-9)
    np.testing.assert_allclose(fit.estimate, R_SAE_EBLUP, atol=5e-8)
    np.testing.assert_allclose(fit.mse, R_SAE_MSE, atol=5e-10)


def test_reproduces_published_milk_fit() -> None:
    y, psi, x = _milk()
    fit = fit_fay_herriot(y, psi, x, tol=1e-10)

    # samplics documentation, "Area Level Modeling" tutorial
    # (https://samplics-org.github.io/samplics/pages/sae_area.html), REML at tol=1e-8:
    # fixed effects "array([ 0.96818899,  0.13278031,  0.22694622, -0.24130104])" and
    # "The estimated standard error of the area random effects is: 0.13619961509121215",
    # i.e. sigma2_u = 0.13619961509121215**2 = 0.0185503.
    tutorial_beta = [0.96818899, 0.13278031, 0.22694622, -0.24130104]
    np.testing.assert_allclose(fit.beta, tutorial_beta, atol=5e-9)
    assert np.sqrt(fit.sigma2_u) == pytest.approx(0.13619961509121215, rel=1e-7)
    assert round(fit.sigma2_u, 5) == 0.01855
    # The same tutorial's EBLUP dict, first and last areas: "1: 1.0219705448470267",
    # "43: 0.6810868846993623"; its table: eblup_mse 0.013460 (area 1), 0.009904 (area 43).
    assert fit.estimate[0] == pytest.approx(1.0219705448470267, abs=1e-8)
    assert fit.estimate[42] == pytest.approx(0.6810868846993623, abs=1e-8)
    assert fit.mse[0] == pytest.approx(0.013460, abs=5e-7)
    assert fit.mse[42] == pytest.approx(0.009904, abs=5e-7)
    # saens README (above) prints the R fit's coefficients and standard errors to 6 decimals.
    np.testing.assert_allclose(fit.beta, [0.968189, 0.132780, 0.226946, -0.241301], atol=5e-7)
    np.testing.assert_allclose(fit.beta_se, [0.069362, 0.103001, 0.092330, 0.081617], atol=5e-7)


# --- 2. Cross-check with samplics -----------------------------------------------------------


def _samplics_reml(
    y: np.ndarray, psi: np.ndarray, x: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    area = np.arange(len(y))
    model = EblupAreaModel(method=FitMethod.reml)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(yhat=y, X=x, area=area, error_std=np.sqrt(psi), intercept=False, tol=1e-12)
        model.predict(X=x, area=area, intercept=False)
    estimate = np.array([model.area_est[a] for a in area])
    mse = np.array([model.area_mse[a] for a in area])
    return float(model.re_std**2), model.fixed_effects, model.fe_std, estimate, mse


def _synthetic_areas(seed: int, m: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(m), rng.normal(size=m), rng.uniform(0, 1, size=m)])
    psi = rng.uniform(0.2, 2.0, size=m)
    y = x @ np.array([2.0, 0.8, -1.0]) + rng.normal(0, np.sqrt(0.7), m)
    return y + rng.normal(0, np.sqrt(psi)), psi, x


@pytest.mark.parametrize("dataset", ["milk", "synthetic"])
def test_agrees_with_samplics(dataset: str) -> None:
    y, psi, x = _milk() if dataset == "milk" else _synthetic_areas(seed=7)
    fit = fit_fay_herriot(y, psi, x, tol=1e-12)
    sigma2_u, beta, beta_se, estimate, mse = _samplics_reml(y, psi, x)

    assert fit.sigma2_u > 0
    assert fit.sigma2_u == pytest.approx(sigma2_u, rel=1e-6)
    np.testing.assert_allclose(fit.beta, beta, rtol=1e-6)
    np.testing.assert_allclose(fit.beta_se, beta_se, rtol=1e-6)
    np.testing.assert_allclose(fit.estimate, estimate, rtol=1e-6)
    # samplics' REML MSE is also g1 + g2 + 2*g3 with Var(sigma2_u) = 2 / sum(1/V_d^2), so
    # the whole MSE must agree, not just its parts.
    np.testing.assert_allclose(fit.mse, mse, rtol=1e-6)


# --- 3. Simulation from a known model -------------------------------------------------------


def test_eblup_beats_direct_and_prasad_rao_mse_is_calibrated() -> None:
    rng = np.random.default_rng(20240601)
    m, replications, sigma2_u = 60, 200, 0.5
    beta = np.array([1.0, 2.0])
    # Covariates and sampling variances stay fixed, as the MSE is defined given them.
    x = np.column_stack([np.ones(m), rng.uniform(0, 2, size=m)])
    psi = rng.uniform(0.2, 1.5, size=m)

    eblup_error2 = np.zeros(m)
    direct_error2 = np.zeros(m)
    estimated_mse = np.zeros(m)
    for _ in range(replications):
        theta = x @ beta + rng.normal(0, np.sqrt(sigma2_u), m)
        direct = theta + rng.normal(0, np.sqrt(psi))
        fit = fit_fay_herriot(direct, psi, x)
        assert fit.converged
        eblup_error2 += (fit.estimate - theta) ** 2
        direct_error2 += (direct - theta) ** 2
        estimated_mse += fit.mse
    empirical_eblup = eblup_error2.mean() / replications
    empirical_direct = direct_error2.mean() / replications
    average_estimate = estimated_mse.mean() / replications

    assert empirical_eblup < 0.8 * empirical_direct
    assert average_estimate == pytest.approx(empirical_eblup, rel=0.15)


# --- 4. Edge cases --------------------------------------------------------------------------


def test_perfect_fit_truncates_sigma2_at_zero_and_gives_synthetic_estimates() -> None:
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(20), rng.normal(size=20)])
    direct = x @ np.array([5.0, 1.5])
    fit = fit_fay_herriot(direct, rng.uniform(0.5, 1.0, 20), x)

    assert fit.converged
    assert fit.sigma2_u == 0.0
    assert np.all(fit.gamma == 0.0)
    np.testing.assert_allclose(fit.beta, [5.0, 1.5])
    np.testing.assert_allclose(fit.estimate, direct)


def test_unsampled_areas_get_synthetic_estimates_with_larger_mse() -> None:
    y, psi, x = _milk()
    sampled = np.ones(len(y), dtype=bool)
    sampled[[3, 20, 30]] = False  # one area in each of major areas 1, 3 and 4
    y, psi = y.copy(), psi.copy()
    y[~sampled] = np.nan
    psi[~sampled] = np.nan

    fit = fit_fay_herriot(y, psi, x, sampled=sampled)
    alone = fit_fay_herriot(y[sampled], psi[sampled], x[sampled])

    # The unsampled rows change nothing about the model fitted on the sampled ones.
    assert fit.sigma2_u == alone.sigma2_u
    np.testing.assert_allclose(fit.beta, alone.beta)
    np.testing.assert_allclose(fit.estimate[sampled], alone.estimate)
    np.testing.assert_allclose(fit.mse[sampled], alone.mse)

    beta_cov_diag = alone.beta_se**2
    assert np.all(fit.gamma[~sampled] == 0.0)
    assert np.all((fit.gamma[sampled] > 0) & (fit.gamma[sampled] < 1))
    np.testing.assert_allclose(fit.estimate[~sampled], x[~sampled] @ fit.beta)
    # A row with one dummy (or the intercept only) picks out V(beta) entries; check the
    # intercept-only row (major area 1) exactly: sigma2_u + Var(beta_0).
    assert fit.mse[3] == pytest.approx(fit.sigma2_u + beta_cov_diag[0])
    assert fit.mse[~sampled].min() > fit.mse[sampled].max()
    assert fit.model_based.all()


def test_stops_without_convergence_when_told_to() -> None:
    y, psi, x = _milk()
    fit = fit_fay_herriot(y, psi, x, max_iter=1)
    assert (fit.iterations, fit.converged) == (1, False)


@pytest.mark.parametrize(
    ("change", "code", "indonesian"),
    [
        (lambda y, psi, x, s: (y[:-1], psi, x, s), "FH_LENGTH_MISMATCH", "Panjang masukan"),
        (lambda y, psi, x, s: (y, psi, x, s[:-1]), "FH_LENGTH_MISMATCH", "Panjang masukan"),
        (
            lambda y, psi, x, s: (y, np.where(np.arange(len(y)) == 2, 0.0, psi), x, s),
            "FH_NONPOSITIVE_VARIANCE",
            "Varians sampling harus positif",
        ),
        (lambda y, psi, x, s: (y, -psi, x, s), "FH_NONPOSITIVE_VARIANCE", "harus positif"),
        (
            lambda y, psi, x, s: (y, np.where(np.arange(len(y)) == 0, np.nan, psi), x, s),
            "FH_NONPOSITIVE_VARIANCE",
            "harus positif",
        ),
        (
            lambda y, psi, x, s: (np.where(np.arange(len(y)) == 0, np.nan, y), psi, x, s),
            "FH_DIRECT_NOT_FINITE",
            "Estimasi langsung kosong",
        ),
        (
            lambda y, psi, x, s: (y, psi, np.column_stack([x, 2 * x[:, 1]]), s),
            "FH_SINGULAR_COVARIATES",
            "singular",
        ),
        (
            lambda y, psi, x, s: (y, psi, x, np.zeros(len(y), dtype=bool)),
            "FH_NO_SAMPLED_AREAS",
            "Tidak ada area tersampel",
        ),
        (
            lambda y, psi, x, s: (y, psi, x, np.arange(len(y)) < 4),
            "FH_TOO_FEW_AREAS",
            "harus lebih banyak",
        ),
        (lambda y, psi, x, s: (y, psi, x, s.astype(int)), "FH_SAMPLED_NOT_BOOLEAN", "True/False"),
        (lambda y, psi, x, s: (y, psi, x[:, 0], s), "FH_COVARIATES_SHAPE", "matriks"),
        (
            lambda y, psi, x, s: (y, psi, np.where(x == 1.0, np.nan, x), s),
            "FH_COVARIATES_NOT_FINITE",
            "kovariat yang kosong",
        ),
    ],
)
def test_bad_inputs_are_refused_in_indonesian(
    change: Callable[..., tuple[np.ndarray, ...]], code: str, indonesian: str
) -> None:
    y, psi, x = _milk()
    args = change(y, psi, x, np.ones(len(y), dtype=bool))
    with pytest.raises(PipelineError) as raised:
        fit_fay_herriot(*args)
    assert raised.value.code == code
    assert indonesian in str(raised.value)
    assert raised.value.english


def test_unsampled_area_may_hold_anything_except_covariates() -> None:
    y, psi, x = _milk()
    sampled = np.ones(len(y), dtype=bool)
    sampled[0] = False
    y, psi = y.copy(), psi.copy()
    y[0], psi[0] = np.inf, -1.0  # ignored: the area is not sampled
    fit = fit_fay_herriot(y, psi, x, sampled=sampled)
    assert fit.estimate[0] == pytest.approx(x[0] @ fit.beta)


def test_bad_iteration_settings_are_refused() -> None:
    y, psi, x = _milk()
    for settings in ({"max_iter": 0}, {"tol": 0.0}, {"tol": float("nan")}):
        with pytest.raises(PipelineError) as raised:
            fit_fay_herriot(y, psi, x, **settings)
        assert raised.value.code == "FH_BAD_SETTINGS"


def test_mse_to_cv() -> None:
    cv = mse_to_cv(np.array([0.2, -0.5, 0.0]), np.array([0.0004, 0.01, 0.01]))
    np.testing.assert_allclose(cv[:2], [0.1, 0.2])
    assert np.isnan(cv[2])
    with pytest.raises(PipelineError) as raised:
        mse_to_cv([1.0, 2.0], [0.1])
    assert raised.value.code == "FH_LENGTH_MISMATCH"
    with pytest.raises(PipelineError) as raised:
        mse_to_cv([1.0], [-0.1])
    assert raised.value.code == "FH_NEGATIVE_MSE"
