"""Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The Gamma-Gamma Model of
Monetary Value"; Colombo & Jiang 1999).

Each purchase value is Gamma(p, nu) with the customer's nu ~ Gamma(q, v) (v is the paper's
gamma); the mean zbar of a customer's x repeat purchases is then what is modelled. Spend is
assumed independent of purchase frequency: check it with ``spend_frequency_correlation``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders.bgnbd import dot, maximize_likelihood
from ltv_engine.orders.summary import validated_columns


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    p: float
    q: float
    v: float
    log_likelihood: float


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood (p, q, v) on the customers with at least one repeat purchase.

    The log-likelihood is that of the density of zbar itself, Jacobian terms included, as in
    the paper (its -4055.92 on CDNOW) and in lifetimes.
    """
    spends = _Spends.of(*_repeat_customers(frequency, monetary))
    start = np.array([1.0, 1.0, max(float(np.mean(spends.zbar)), 1.0)])
    (p, q, v), log_likelihood = maximize_likelihood(
        spends.log_likelihood, start, float(spends.zbar.size)
    )
    return GammaGammaParams(p, q, v, log_likelihood=log_likelihood)


def gamma_gamma_log_likelihood(
    params: GammaGammaParams, frequency: ArrayLike, monetary: ArrayLike
) -> float:
    """Total log-likelihood of the repeat customers' mean spends under (p, q, v)."""
    spends = _Spends.of(*_repeat_customers(frequency, monetary))
    value, _ = spends.log_likelihood(np.array([params.p, params.q, params.v]), with_gradient=False)
    return value


def expected_average_spend(
    params: GammaGammaParams, frequency: ArrayLike, monetary: ArrayLike
) -> NDArray[np.float64]:
    """E[Z | x, zbar] = p (v + x zbar) / (p x + q - 1): the customer's own mean shrunk towards
    the population mean p v / (q - 1), which is what a customer with x = 0 gets."""
    x, zbar = validated_columns(frequency=frequency, monetary=monetary)
    p, q, v = params.p, params.q, params.v
    if q <= 1:
        raise InvalidInput(Reason.TOO_SMALL, "q", low=1.0)  # the population mean is infinite
    return p * (v + x * zbar) / (p * x + q - 1.0)


def spend_frequency_correlation(frequency: ArrayLike, monetary: ArrayLike) -> float:
    """Pearson correlation of x and zbar over repeat customers (the model assumes about 0)."""
    x, zbar = _repeat_customers(frequency, monetary)
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(zbar) == 0:
        raise InvalidInput(Reason.TOO_SMALL, "frequency", customers=int(x.size))
    return float(np.corrcoef(x, zbar)[0, 1])


def _repeat_customers(
    frequency: ArrayLike, monetary: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x, zbar = validated_columns(frequency=frequency, monetary=monetary)
    repeat = x > 0
    if not np.any(repeat):
        raise InvalidInput(Reason.EMPTY, "frequency")
    if np.any(zbar[repeat] == 0):
        raise InvalidInput(Reason.ZERO, "monetary")
    return x[repeat], zbar[repeat]


@dataclass(frozen=True, slots=True)
class _Spends:
    """Repeat customers' (x, zbar), with what depends on x alone computed per distinct x."""

    x: NDArray[np.float64]  # distinct values
    x_of_row: NDArray[np.intp]
    x_weight: NDArray[np.float64]  # customers per distinct x
    zbar: NDArray[np.float64]
    log_zbar: NDArray[np.float64]
    total: NDArray[np.float64]  # x * zbar

    @classmethod
    def of(cls, x: NDArray[np.float64], zbar: NDArray[np.float64]) -> _Spends:
        x_values, x_of_row, counts = np.unique(x, return_inverse=True, return_counts=True)
        return cls(
            x=x_values,
            x_of_row=x_of_row,
            x_weight=counts.astype(np.float64),
            zbar=zbar,
            log_zbar=np.log(zbar),
            total=x * zbar,
        )

    def log_likelihood(
        self, params: NDArray[np.float64], *, with_gradient: bool
    ) -> tuple[float, NDArray[np.float64]]:
        """Total ln f(zbar | p, q, v, x) and (optionally) its gradient in (p, q, v), with
        f = G(px + q) / (G(px) G(q)) * v^q * zbar^(px - 1) * x^(px) / (v + x zbar)^(px + q).
        """
        p, q, v = params
        x, w = self.x, self.x_weight
        px = p * x
        px_row = px[self.x_of_row]
        log_spend = np.log(self.total + v)
        per_x = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + px * np.log(x)
        value = dot(w, per_x) + np.sum((px_row - 1.0) * self.log_zbar - (px_row + q) * log_spend)
        if not with_gradient:
            return float(value), np.empty(0)
        psi_all = digamma(px + q)
        x_row = x[self.x_of_row]
        d_p = dot(w, x * (psi_all - digamma(px) + np.log(x)))
        d_p += dot(x_row, self.log_zbar - log_spend)
        d_q = dot(w, psi_all - digamma(q) + np.log(v)) - np.sum(log_spend)
        d_v = w.sum() * q / v - np.sum((px_row + q) / (self.total + v))
        return float(value), np.array([d_p, d_q, d_v])
