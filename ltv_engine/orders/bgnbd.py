"""BG/NBD: the beta-geometric / negative binomial model of repeat purchases
(Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").

While alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out with probability p ~ Beta(a, b). Histories are (x, t_x, T): repeat
purchases, time of the last one and age, all measured from the first purchase.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from ltv_engine.errors import InvalidInput, Reason
from ltv_engine.orders.summary import validated_histories

# Optimisation runs on log-parameters kept inside exp(+-LOG_BOUND): wide enough for any real
# shop, narrow enough that a degenerate data set cannot push exp() into overflow.
LOG_BOUND = 20.0


@dataclass(frozen=True, slots=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters (see ``maximize_likelihood``).

    Identical (x, t_x, T) histories are merged into weighted rows first.
    """
    histories = _Histories.of(*validated_histories(frequency, recency, age))
    if histories.customers == 0:
        raise InvalidInput(Reason.EMPTY, "frequency")
    if not np.any(histories.x > 0):
        raise InvalidInput(Reason.ZERO, "frequency")  # nobody came back: nothing to fit
    start = np.array([1.0, max(float(np.mean(histories.age)), 1.0), 1.0, 1.0])
    (r, alpha, a, b), log_likelihood = maximize_likelihood(
        histories.log_likelihood, start, histories.customers
    )
    return BgNbdParams(r, alpha, a, b, log_likelihood=log_likelihood)


LogLikelihood = Callable[..., tuple[float, NDArray[np.float64]]]


def maximize_likelihood(
    log_likelihood: LogLikelihood, start: NDArray[np.float64], customers: float
) -> tuple[list[float], float]:
    """The parameters that maximise ``log_likelihood(params, with_gradient=True)`` (value and
    gradient), and the maximum: SLSQP on log-parameters with the analytic gradient, the
    objective scaled per customer.

    Not L-BFGS-B: its compiled core calls BLAS every iteration, and OpenBLAS waking its
    thread pool on a busy machine cost more than all the likelihood evaluations together.
    """

    def objective(log_params: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        params = np.exp(log_params)
        value, gradient = log_likelihood(params, with_gradient=True)
        return -value / customers, -gradient * params / customers  # chain rule, log scale

    result = minimize(
        objective,
        np.log(start),
        jac=True,
        method="SLSQP",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * start.size,
        options={"ftol": 1e-13, "maxiter": 2000},
    )
    return [float(value) for value in np.exp(result.x)], -float(result.fun) * customers


def bgnbd_log_likelihood(
    params: BgNbdParams | Sequence[float],
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> float:
    """Total log-likelihood of the histories under (r, alpha, a, b) (FHL 2005, eq. 6)."""
    histories = _Histories.of(*validated_histories(frequency, recency, age))
    value, _ = histories.log_likelihood(_as_vector(params), with_gradient=False)
    return value


def p_alive(
    params: BgNbdParams | Sequence[float],
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> NDArray[np.float64]:
    """P(still alive at T | x, t_x, T); 1 for customers who never came back (x = 0)."""
    r, alpha, a, b = _as_vector(params)
    x, t_x, big_t = validated_histories(frequency, recency, age)
    return expit(-_log_dead_to_alive(r, alpha, a, b, x, t_x, big_t))


def conditional_expected_purchases(
    params: BgNbdParams | Sequence[float],
    t: float,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> NDArray[np.float64]:
    """E[X(T, T + t) | x, t_x, T]: expected repeat purchases in the next ``t`` units (eq. 10)."""
    return weighted_expected_purchases(params, [t], [1.0], frequency, recency, age)


def weighted_expected_purchases(
    params: BgNbdParams | Sequence[float],
    times: ArrayLike,
    weights: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> NDArray[np.float64]:
    """sum over i of weights[i] * E[X(T, T + times[i]) | x, t_x, T], per customer.

    E[X(T, T + t) | hist] = P(alive | x, t_x, T) * E[purchases in t if alive | x, T]: the
    second factor (two 2F1 per time) is computed once per distinct (x, T), the first once.
    """
    r, alpha, a, b = _as_vector(params)
    x, t_x, big_t = validated_histories(frequency, recency, age)
    horizons = _check_times(np.asarray(times, dtype=np.float64).reshape(-1, 1))
    factors = np.asarray(weights, dtype=np.float64).reshape(-1, 1)
    if factors.shape != horizons.shape:
        raise InvalidInput(Reason.CONFLICT, "weights", expected=horizons.size, got=factors.size)
    pair_x, pair_t, pair_of_customer = _distinct_pairs(x, big_t)
    z = horizons / (alpha + pair_t + horizons)
    log_hyp = _log_hyp2f1(r + pair_x, b + pair_x, a + b + pair_x - 1.0, z)
    log_survivor = log_hyp + (r + pair_x) * (
        np.log(alpha + pair_t) - np.log(alpha + pair_t + horizons)
    )
    while_alive = (a + b + pair_x - 1.0) / (a - 1.0) * -np.expm1(log_survivor)
    per_pair = np.einsum("ij,ij->j", np.broadcast_to(factors, while_alive.shape), while_alive)
    return per_pair[pair_of_customer] * expit(-_log_dead_to_alive(r, alpha, a, b, x, t_x, big_t))


def _distinct_pairs(
    first: NDArray[np.float64], second: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """The distinct (first, second) pairs as two columns, and each row's pair index."""
    first_values, first_index = np.unique(first, return_inverse=True)
    second_values, second_index = np.unique(second, return_inverse=True)
    keys, pair_of_row = np.unique(
        first_index * second_values.size + second_index, return_inverse=True
    )
    first_of_pair, second_of_pair = np.divmod(keys, second_values.size)
    return first_values[first_of_pair], second_values[second_of_pair], pair_of_row


def expected_purchases(
    params: BgNbdParams | Sequence[float], t: float | ArrayLike
) -> NDArray[np.float64]:
    """E[X(t)]: expected repeat purchases of a new customer within ``t`` units (eq. 9)."""
    r, alpha, a, b = _as_vector(params)
    times = _check_times(np.asarray(t, dtype=np.float64))
    log_hyp = _log_hyp2f1(r, b, a + b - 1.0, times / (alpha + times))
    log_survivor = log_hyp + r * (np.log(alpha) - np.log(alpha + times))
    return np.asarray((a + b - 1.0) / (a - 1.0) * -np.expm1(log_survivor), dtype=np.float64)


def _check_times(times: NDArray[np.float64]) -> NDArray[np.float64]:
    if not np.all(np.isfinite(times)):
        raise InvalidInput(Reason.NOT_FINITE, "t")
    if np.any(times < 0):
        raise InvalidInput(Reason.NEGATIVE, "t")
    return times


def _as_vector(params: BgNbdParams | Sequence[float]) -> NDArray[np.float64]:
    if isinstance(params, BgNbdParams):
        values = np.array([params.r, params.alpha, params.a, params.b])
    else:
        values = np.asarray(params, dtype=np.float64)
    if values.shape != (4,):
        raise InvalidInput(Reason.CONFLICT, "params", expected=4, got=values.size)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise InvalidInput(Reason.NEGATIVE, "params")
    return values


def _log_dead_to_alive(
    r: float,
    alpha: float,
    a: float,
    b: float,
    x: NDArray[np.float64],
    t_x: NDArray[np.float64],
    big_t: NDArray[np.float64],
) -> NDArray[np.float64]:
    """log of P(dropped out after the last purchase) / P(alive), -inf where x = 0."""
    repeat = x > 0
    log_ratio = np.full(x.shape, -np.inf)
    xr = x[repeat]
    log_ratio[repeat] = (
        np.log(a)
        - np.log(b + xr - 1.0)
        + (r + xr) * (np.log(alpha + big_t[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return log_ratio


def _log_hyp2f1(
    a: float | NDArray[np.float64],
    b: float | NDArray[np.float64],
    c: float | NDArray[np.float64],
    z: float | NDArray[np.float64],
) -> NDArray[np.float64]:
    """log 2F1(a, b; c; z) for 0 <= z < 1, via Euler's transformation where 2F1 overflows.

    2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z), as lifetimes does.
    """
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        direct = np.log(hyp2f1(a, b, c, z))
        euler = np.log(hyp2f1(c - a, c - b, c, z)) + (np.asarray(c) - a - b) * np.log1p(-z)
    return np.asarray(np.where(np.isfinite(direct), direct, euler), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Histories:
    """Histories as indices into their distinct x, t_x and T values, identical rows merged.

    Whatever depends on one column only (gamma and beta functions of x, logs of alpha + t_x
    and alpha + T) is computed once per distinct value and gathered per row: customers share
    few distinct values even when they share few whole histories.
    """

    x: NDArray[np.float64]  # distinct values of each column
    t_x: NDArray[np.float64]
    age: NDArray[np.float64]
    x_of_row: NDArray[np.intp]  # per merged row: index into the distinct values
    t_x_of_row: NDArray[np.intp]
    age_of_row: NDArray[np.intp]
    weight: NDArray[np.float64]  # customers per merged row
    x_weight: NDArray[np.float64]  # customers per distinct x

    @classmethod
    def of(
        cls, x: NDArray[np.float64], t_x: NDArray[np.float64], age: NDArray[np.float64]
    ) -> _Histories:
        x_values, x_index = np.unique(x, return_inverse=True)
        t_x_values, t_x_index = np.unique(t_x, return_inverse=True)
        age_values, age_index = np.unique(age, return_inverse=True)
        pairs, pair_index = np.unique(x_index * t_x_values.size + t_x_index, return_inverse=True)
        rows, counts = np.unique(pair_index * age_values.size + age_index, return_counts=True)
        pair_of_row, age_of_row = np.divmod(rows, age_values.size)
        x_of_row, t_x_of_row = np.divmod(pairs[pair_of_row], t_x_values.size)
        weight = counts.astype(np.float64)
        return cls(
            x=x_values,
            t_x=t_x_values,
            age=age_values,
            x_of_row=x_of_row,
            t_x_of_row=t_x_of_row,
            age_of_row=age_of_row,
            weight=weight,
            x_weight=np.bincount(x_of_row, weights=weight, minlength=x_values.size).astype(
                np.float64
            ),
        )

    @property
    def customers(self) -> float:
        return float(self.weight.sum())

    def log_likelihood(
        self, params: NDArray[np.float64], *, with_gradient: bool
    ) -> tuple[float, NDArray[np.float64]]:
        """Total log-likelihood and (optionally) its gradient in (r, alpha, a, b).

        Per customer, ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4)), with
        A1 = ln G(r + x) - ln G(r) + r ln alpha,  A2 = ln B(a, b + x) - ln B(a, b),
        A3 = -(r + x) ln(alpha + T),  A4 = ln a - ln(b + x - 1) - (r + x) ln(alpha + t_x),
        taken as A3 + ln(1 + exp(A4 - A3)) so that long histories cannot underflow.
        """
        r, alpha, a, b = params
        x, ix = self.x, self.x_of_row
        repeat = x > 0
        b_x1 = np.where(repeat, b + x - 1.0, 1.0)
        per_x = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
        log_age = np.log(alpha + self.age)[self.age_of_row]
        log_t_x = np.log(alpha + self.t_x)[self.t_x_of_row]
        shape = r + x[ix]
        # A4 - A3: log-odds of "dropped out after the last purchase" against "alive at T"
        log_odds = np.where(repeat, np.log(a) - np.log(b_x1), -np.inf)[ix] - shape * (
            log_t_x - log_age
        )
        value = dot(self.x_weight, per_x) + dot(
            self.weight, np.logaddexp(0.0, log_odds) - shape * log_age
        )
        if not with_gradient:
            return value, np.empty(0)
        dead = expit(log_odds) * self.weight  # customers' weight on the A4 branch
        inv_age = (1.0 / (alpha + self.age))[self.age_of_row]
        inv_t_x = (1.0 / (alpha + self.t_x))[self.t_x_of_row]
        psi_ab = digamma(a + b) - digamma(a + b + x)
        d_r = (
            dot(self.x_weight, digamma(r + x) - digamma(r) + np.log(alpha))
            - dot(self.weight, log_age) - dot(dead, log_t_x - log_age)
        )  # fmt: skip
        d_alpha = (
            self.customers * r / alpha
            - dot(self.weight * shape, inv_age) - dot(dead * shape, inv_t_x - inv_age)
        )  # fmt: skip
        d_a = dot(self.x_weight, psi_ab) + dead.sum() / a
        d_b = dot(self.x_weight, digamma(b + x) - digamma(b) + psi_ab)
        d_b -= dot(dead, (1.0 / b_x1)[ix])
        return value, np.array([d_r, d_alpha, d_a, d_b])


def dot(left: NDArray[np.float64], right: NDArray[np.float64]) -> float:
    """The dot product of two vectors, without BLAS: OpenBLAS wakes its thread pool for long
    vectors, which costs milliseconds per product on a busy machine (~40x the whole work)."""
    return float(np.einsum("i,i->", left, right))
