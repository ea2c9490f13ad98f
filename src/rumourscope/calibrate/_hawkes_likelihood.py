"""The likelihood of the Hawkes model of :mod:`rumourscope.calibrate.hawkes`, and its pieces.

Kernel shapes, the log-likelihood on transformed coordinates (compiled, as the power law needs
every pair of events), and the observed-information covariance of the maximum.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numba
import numpy as np
from scipy import special

from ..errors import ParameterError


class Kernel(StrEnum):
    """Shape of the delay between an event and the events it triggers."""

    EXPONENTIAL = "exponential"
    POWER_LAW = "power_law"


NAMES = {
    Kernel.EXPONENTIAL: ("nu", "eta", "theta"),
    Kernel.POWER_LAW: ("nu", "eta", "c", "p"),
}


# ---------------------------------------------------------------------- kernel arithmetic
def cdf(kernel: Kernel, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    s = np.maximum(s, 0.0)
    if kernel is Kernel.EXPONENTIAL:
        return -np.expm1(-k[0] * s)
    c, p = k
    return 1.0 - (c / (s + c)) ** (p - 1.0)


def inverse_cdf(kernel: Kernel, u: np.ndarray, k: np.ndarray) -> np.ndarray:
    if kernel is Kernel.EXPONENTIAL:
        return -np.log1p(-u) / k[0]
    c, p = k
    return c * ((1.0 - u) ** (-1.0 / (p - 1.0)) - 1.0)


@numba.njit(cache=True)
def _log_intensities_exp(t, nu, eta, theta):  # pragma: no cover - compiled
    out = np.empty(t.size)
    decayed = 0.0  # sum over earlier events of exp(-theta (t_i - t_j)); O(n) by recursion
    for i in range(t.size):
        if i > 0:
            decayed = math.exp(-theta * (t[i] - t[i - 1])) * (decayed + 1.0)
        out[i] = math.log(theta * (nu * math.exp(-theta * t[i]) + eta * decayed) + 1e-300)
    return out


@numba.njit(cache=True)
def _log_intensities_power(t, nu, eta, c, p):  # pragma: no cover - compiled
    # The power law has no recursion; O(n^2) compiled is fast enough for counters of ~10^4.
    norm = (p - 1.0) * c ** (p - 1.0)
    out = np.empty(t.size)
    for i in range(t.size):
        excite = 0.0
        for j in range(i):
            excite += (t[i] - t[j] + c) ** (-p)
        out[i] = math.log(norm * (nu * (t[i] + c) ** (-p) + eta * excite) + 1e-300)
    return out


def unpack(kernel: Kernel, z: np.ndarray) -> np.ndarray:
    """Optimiser coordinates -> parameters.

    The coordinates are ``log(nu / (1 - eta))`` (the expected total), ``logit(eta)`` and, for the
    exponential kernel, ``log(theta (1 - eta))`` (the decay rate of the mean curve); for the
    power law ``log c`` and ``log(p - 1)``. A counter series pins down the total and the decay of
    the mean curve much better than how they split between ``nu`` and ``eta``, so in these
    coordinates the poorly determined direction is one axis and draws stay on the data's ridge.
    """
    eta = float(special.expit(z[1]))
    nu = math.exp(z[0]) * (1.0 - eta)
    if kernel is Kernel.EXPONENTIAL:
        return np.array([nu, eta, math.exp(z[2]) / (1.0 - eta)])
    return np.array([nu, eta, math.exp(z[2]), 1.0 + math.exp(z[3])])


def pack(kernel: Kernel, params: np.ndarray) -> np.ndarray:
    nu, eta, *k = params
    z = [math.log(nu / (1 - eta)), float(special.logit(eta))]
    if kernel is Kernel.EXPONENTIAL:
        z.append(math.log(k[0] * (1 - eta)))
    else:
        z += [math.log(k[0]), math.log(k[1] - 1.0)]
    return np.array(z)


def coordinate_bounds(kernel: Kernel) -> list[tuple[float, float]]:
    # eta in about (0.001, 0.999); the power-law exponent p in (1.05, 11)
    logs = (-12.0, 16.0)
    if kernel is Kernel.EXPONENTIAL:
        return [logs, (-7.0, 7.0), logs]
    return [logs, (-7.0, 7.0), logs, (math.log(0.05), math.log(10.0))]


def neg_loglik(z: np.ndarray, kernel: Kernel, t: np.ndarray, until: float) -> float:
    nu, eta, *k = unpack(kernel, z)
    k = np.array(k)
    if kernel is Kernel.EXPONENTIAL:
        logs = _log_intensities_exp(t, nu, eta, k[0])
    else:
        logs = _log_intensities_power(t, nu, eta, k[0], k[1])
    compensator = nu * cdf(kernel, np.array([until]), k)[0]
    compensator += eta * cdf(kernel, until - t, k).sum()
    value = compensator - logs.sum()
    return float(value) if np.isfinite(value) else 1e300


def as_kernel(kernel: Kernel | str) -> Kernel:
    try:
        return Kernel(kernel)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in Kernel)
        raise ParameterError(f"kernel must be one of {allowed}, got {kernel!r}") from None


def inverse_hessian(f, z: np.ndarray) -> np.ndarray:
    """Inverse of a central finite-difference Hessian (the asymptotic covariance of the MLE)."""
    d = z.size
    h = 1e-4 * np.maximum(1.0, np.abs(z))
    hess = np.empty((d, d))
    for i in range(d):
        for j in range(i, d):
            ei, ej = np.eye(d)[i] * h[i], np.eye(d)[j] * h[j]
            hess[i, j] = hess[j, i] = (
                f(z + ei + ej) - f(z + ei - ej) - f(z - ei + ej) + f(z - ei - ej)
            ) / (4 * h[i] * h[j])
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(hess)
    # A flat direction (too little data) gives a non-positive-definite estimate; symmetrise and
    # floor its eigenvalues so draws stay possible, and the huge variance shows in std_error.
    w, v = np.linalg.eigh((cov + cov.T) / 2)
    return (v * np.clip(w, 1e-12, None)) @ v.T


def jacobian(kernel: Kernel, z: np.ndarray) -> np.ndarray:
    """d parameters / d coordinates, by central differences."""
    h = 1e-6
    cols = [(unpack(kernel, z + h * e) - unpack(kernel, z - h * e)) / (2 * h)
            for e in np.eye(z.size)]
    return np.array(cols).T

