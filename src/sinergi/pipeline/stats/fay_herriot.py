"""Fit the area-level Fay–Herriot model to direct estimates and return EBLUPs with their MSEs.

The model (Fay & Herriot 1979; Rao & Molina 2015, *Small Area Estimation*, ch. 6) links a
direct survey estimate ``y_d`` of each area to covariates known for every area::

    y_d = theta_d + e_d,   e_d ~ N(0, psi_d)        (psi_d: the known sampling variance)
    theta_d = x_d' beta + u_d,   u_d ~ N(0, sigma2_u)

``sigma2_u`` is estimated by REML with Fisher scoring exactly as R's ``sae::eblupFH`` does
(Molina & Marhuenda 2015, The R Journal 7(1), 81–98): start at the median sampling
variance, stop when the relative change is below ``tol``, truncate at zero. The EBLUP of a
sampled area shrinks its direct estimate towards the regression prediction by
``gamma_d = sigma2_u / (sigma2_u + psi_d)``; an area without a sample gets the synthetic
prediction ``x_d' beta``. MSEs are the Prasad–Rao second-order approximation
``g1 + g2 + 2 g3`` that is correct for REML (Datta & Lahiri 2000; Rao & Molina 2015, sec. 6.2),
the same formula as ``sae::mseFH``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sinergi.errors import PipelineError

__all__ = ["FayHerriotFit", "fit_fay_herriot", "mse_to_cv"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class FayHerriotFit:
    """A fitted Fay–Herriot model and its predictions, one entry per area (input order).

    Attributes:
        beta: regression coefficients, in the order of the covariate columns.
        beta_se: their standard errors, ``sqrt(diag((X' V^-1 X)^-1))`` at the fitted
            ``sigma2_u`` (the asymptotic ones ``sae`` prints).
        sigma2_u: REML variance of the area effects, truncated at 0.
        method: always ``"REML"``.
        iterations: Fisher scoring steps taken.
        converged: whether the relative change of ``sigma2_u`` fell below ``tol`` within
            ``max_iter`` steps. When False the numbers are those of the last step and should
            not be published.
        estimate: the EBLUP of every area: ``gamma*direct + (1-gamma)*x'beta`` where sampled,
            the synthetic ``x'beta`` where not.
        mse: estimated mean squared error of ``estimate``: Prasad–Rao ``g1 + g2 + 2*g3`` for
            sampled areas; ``sigma2_u + x' V(beta) x`` for unsampled ones (the error of a
            synthetic prediction: the unexplained area effect plus the error of ``beta``).
        gamma: shrinkage factor, the weight on the direct estimate (0 where not sampled).
        model_based: True where the estimate relies on the model. Every entry is True: even a
            sampled area's EBLUP borrows strength from the regression (``gamma < 1``), so
            none of them is a direct estimate any more, and its MSE is only valid if the
            model holds.
    """

    beta: FloatArray
    beta_se: FloatArray
    sigma2_u: float
    method: str
    iterations: int
    converged: bool
    estimate: FloatArray
    mse: FloatArray
    gamma: FloatArray
    model_based: BoolArray


def fit_fay_herriot(
    direct: npt.ArrayLike,
    sampling_variance: npt.ArrayLike,
    covariates: npt.ArrayLike,
    sampled: npt.ArrayLike | None = None,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> FayHerriotFit:
    """Fit a Fay–Herriot model by REML and predict every area.

    Args:
        direct: the direct (design-based) estimate of each area, length ``m``.
        sampling_variance: the variance of each direct estimate, treated as known
            (square the standard error), length ``m``; strictly positive where sampled.
        covariates: an ``m x p`` matrix of area-level covariates, known for every area
            (sampled or not). It is used as given: include a column of ones if the model
            should have an intercept.
        sampled: which areas have a direct estimate (default: all). The direct estimate and
            variance of an unsampled area are ignored (they may be NaN); it gets the
            synthetic estimate ``x'beta``.
        max_iter: at most this many Fisher scoring steps.
        tol: stop when ``|sigma2_new - sigma2_old| / sigma2_old < tol`` (``sae``'s rule;
            its default PRECISION is 1e-4).

    Raises:
        PipelineError: inputs of mismatched lengths, no (or too few) sampled areas, a
            missing or infinite value where one is needed, a non-positive sampling
            variance, or covariates whose columns are linearly dependent on the sampled
            areas.

    Examples:
        >>> fit = fit_fay_herriot(
        ...     direct=[10.0, 12.0, 9.0, 14.0, 11.0, float("nan")],
        ...     sampling_variance=[4.0, 1.0, 2.0, 3.0, 1.5, float("nan")],
        ...     covariates=np.ones((6, 1)),
        ...     sampled=[True, True, True, True, True, False],
        ... )
        >>> fit.method, fit.converged, bool(fit.gamma[5] == 0.0)
        ('REML', True, True)
        >>> bool(fit.estimate[5] == fit.beta[0])
        True
    """
    y_all, psi_all, x, mask = _checked_inputs(direct, sampling_variance, covariates, sampled)
    if not isinstance(max_iter, int | np.integer) or max_iter < 1 or not tol > 0:
        raise PipelineError(
            f"Pengaturan iterasi tidak sah (max_iter={max_iter}, tol={tol}): max_iter harus "
            "bilangan bulat minimal 1 dan tol harus positif.",
            english=f"Invalid iteration settings (max_iter={max_iter}, tol={tol})",
            code="FH_BAD_SETTINGS",
        )
    y, psi, x_s = y_all[mask], psi_all[mask], x[mask]

    sigma2_u, iterations, converged = _reml_fisher_scoring(y, psi, x_s, int(max_iter), tol)

    v_inv = 1.0 / (sigma2_u + psi)
    beta_cov = np.linalg.inv(x_s.T @ (v_inv[:, None] * x_s))
    beta = beta_cov @ (x_s.T @ (v_inv * y))
    synthetic = x @ beta
    # x_d' V(beta) x_d for every area, sampled or not.
    leverage = np.einsum("ij,jk,ik->i", x, beta_cov, x)

    gamma = np.zeros(len(x))
    gamma[mask] = sigma2_u * v_inv
    estimate = synthetic.copy()
    estimate[mask] = gamma[mask] * y + (1.0 - gamma[mask]) * synthetic[mask]

    # Prasad–Rao terms (Rao & Molina 2015, sec. 6.2): g1 is the MSE with known
    # parameters, g2 the cost of estimating beta, g3 that of estimating sigma2_u; for REML
    # the estimator of the MSE needs 2*g3 (Datta & Lahiri 2000), not g3.
    shrink = 1.0 - gamma[mask]
    var_sigma2_u = 2.0 / np.sum(v_inv**2)  # asymptotic variance of the REML sigma2_u
    g1 = gamma[mask] * psi
    g2 = shrink**2 * leverage[mask]
    g3 = shrink**2 * var_sigma2_u * v_inv
    mse = sigma2_u + leverage
    mse[mask] = g1 + g2 + 2.0 * g3

    return FayHerriotFit(
        beta=beta,
        beta_se=np.sqrt(np.diag(beta_cov)),
        sigma2_u=float(sigma2_u),
        method="REML",
        iterations=iterations,
        converged=converged,
        estimate=estimate,
        mse=mse,
        gamma=gamma,
        model_based=np.ones(len(x), dtype=bool),
    )


def mse_to_cv(estimate: npt.ArrayLike, mse: npt.ArrayLike) -> FloatArray:
    """The coefficient of variation ``sqrt(mse) / |estimate|`` as a fraction (x100 for RSE %).

    An estimate of exactly zero has no CV: NaN is returned there.

    Raises:
        PipelineError: the two inputs differ in length, or an MSE is negative.

    Examples:
        >>> mse_to_cv([2.0, 0.0], [0.25, 1.0]).tolist()
        [0.25, nan]
    """
    est = np.asarray(estimate, dtype=np.float64)
    err = np.asarray(mse, dtype=np.float64)
    if est.shape != err.shape:
        raise PipelineError(
            f"Jumlah estimasi ({est.size}) dan MSE ({err.size}) tidak sama.",
            english=f"{est.size} estimates but {err.size} MSEs",
            code="FH_LENGTH_MISMATCH",
        )
    if np.any(err < 0):
        raise PipelineError(
            "Ada MSE yang negatif; MSE tidak mungkin di bawah nol. Periksa masukannya.",
            english="Negative MSE",
            code="FH_NEGATIVE_MSE",
        )
    magnitude = np.abs(est)
    cv = np.full(est.shape, np.nan)
    np.divide(np.sqrt(err), magnitude, out=cv, where=magnitude > 0)
    return cv


def _reml_fisher_scoring(
    y: FloatArray, psi: FloatArray, x: FloatArray, max_iter: int, tol: float
) -> tuple[float, int, bool]:
    """REML ``sigma2_u`` by Fisher scoring as in ``sae::eblupFH``: (value, steps, converged).

    Score and information of the restricted likelihood (Rao & Molina 2015, sec. 6.2):
    ``s = -tr(P)/2 + y'P P y/2`` and ``F = tr(P P)/2`` with
    ``P = V^-1 - V^-1 X (X'V^-1 X)^-1 X'V^-1``.
    """
    sigma2 = float(np.median(psi))
    for step in range(1, max_iter + 1):
        v_inv = 1.0 / (sigma2 + psi)
        xt_v_inv = x.T * v_inv
        p = np.diag(v_inv) - xt_v_inv.T @ np.linalg.solve(xt_v_inv @ x, xt_v_inv)
        p_y = p @ y
        score = -0.5 * np.trace(p) + 0.5 * float(p_y @ p_y)
        information = 0.5 * float(np.sum(p * p))  # tr(P P); P is symmetric
        updated = sigma2 + score / information
        if updated <= 0.0:
            # sae lets the iterate go negative and truncates at the end; V = sigma2 + psi
            # can then lose positivity, so truncate now. At zero with the score still
            # pointing down, the restricted likelihood peaks on the boundary: done.
            if sigma2 == 0.0:
                return 0.0, step, True
            updated = 0.0
        change = abs(updated - sigma2) / sigma2 if sigma2 > 0.0 else np.inf
        sigma2 = updated
        if change < tol:
            return sigma2, step, True
    return sigma2, max_iter, False


def _checked_inputs(
    direct: npt.ArrayLike,
    sampling_variance: npt.ArrayLike,
    covariates: npt.ArrayLike,
    sampled: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    y = _vector(direct, "direct")
    psi = _vector(sampling_variance, "sampling_variance")
    x = np.asarray(covariates, dtype=np.float64)
    if x.ndim != 2:
        raise PipelineError(
            f"Kovariat harus berupa matriks (area x variabel), bukan array berdimensi {x.ndim}.",
            english=f"Covariates must be a 2-D (areas x variables) matrix, got {x.ndim}-D",
            code="FH_COVARIATES_SHAPE",
        )
    mask = np.ones(y.size, dtype=bool) if sampled is None else np.asarray(sampled).reshape(-1)
    lengths = {"direct": y.size, "sampling_variance": psi.size, "covariates": x.shape[0]}
    lengths["sampled"] = mask.size
    if len(set(lengths.values())) != 1:
        described = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise PipelineError(
            f"Panjang masukan tidak sama ({described}); setiap area harus punya satu nilai "
            "di setiap masukan.",
            english=f"Inputs differ in length ({described})",
            code="FH_LENGTH_MISMATCH",
        )
    if mask.dtype != np.bool_:
        raise PipelineError(
            "Penanda area tersampel (sampled) harus bernilai True/False.",
            english=f"`sampled` must be boolean, got dtype {mask.dtype}",
            code="FH_SAMPLED_NOT_BOOLEAN",
        )
    if not mask.any():
        raise PipelineError(
            "Tidak ada area tersampel; model Fay–Herriot memerlukan estimasi langsung dari "
            "sedikitnya beberapa area.",
            english="No sampled areas",
            code="FH_NO_SAMPLED_AREAS",
        )
    if not np.all(np.isfinite(x)):
        raise PipelineError(
            "Ada kovariat yang kosong atau tak hingga; kovariat diperlukan untuk semua area, "
            "termasuk yang tidak tersampel.",
            english="Covariates contain NaN or infinite values",
            code="FH_COVARIATES_NOT_FINITE",
        )
    bad_direct = ~np.isfinite(y) & mask
    if bad_direct.any():
        raise PipelineError(
            f"Estimasi langsung kosong atau tak hingga pada {int(bad_direct.sum())} area "
            f"tersampel (indeks {_indices(bad_direct)}). Tandai area itu sebagai tidak "
            "tersampel atau lengkapi datanya.",
            english=f"Direct estimate missing or infinite for sampled areas {_indices(bad_direct)}",
            code="FH_DIRECT_NOT_FINITE",
        )
    bad_variance = ~(np.isfinite(psi) & (psi > 0)) & mask
    if bad_variance.any():
        raise PipelineError(
            f"Varians sampling harus positif pada setiap area tersampel; {int(bad_variance.sum())}"
            f" area tidak memenuhi (indeks {_indices(bad_variance)}).",
            english=f"Non-positive or missing sampling variance at areas {_indices(bad_variance)}",
            code="FH_NONPOSITIVE_VARIANCE",
        )
    n_sampled, n_columns = int(mask.sum()), x.shape[1]
    if n_sampled <= n_columns:
        # REML needs residual degrees of freedom: with m <= p the fit is exact and
        # sigma2_u is not identified.
        raise PipelineError(
            f"Area tersampel ({n_sampled}) harus lebih banyak daripada jumlah kovariat "
            f"({n_columns}).",
            english=f"{n_sampled} sampled areas for {n_columns} covariates; need more areas",
            code="FH_TOO_FEW_AREAS",
        )
    if n_columns == 0 or np.linalg.matrix_rank(x[mask]) < n_columns:
        raise PipelineError(
            "Matriks kovariat pada area tersampel singular (ada kolom yang kosong, konstan "
            "ganda, atau kombinasi linear kolom lain); buang kolom yang berlebih.",
            english="Covariate matrix is singular on the sampled areas",
            code="FH_SINGULAR_COVARIATES",
        )
    return y, psi, x, mask


def _vector(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise PipelineError(
            f"Masukan {name} harus berupa vektor satu dimensi, bukan {array.ndim} dimensi.",
            english=f"{name} must be 1-D, got {array.ndim}-D",
            code="FH_NOT_A_VECTOR",
        )
    return array


def _indices(flags: npt.NDArray[Any]) -> str:
    found = np.flatnonzero(flags)
    shown = ", ".join(str(i) for i in found[:5])
    return shown + (", ..." if found.size > 5 else "")
