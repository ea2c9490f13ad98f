"""Two kinds of outcome: when the runs' final reach splits into "stayed small" and "spread".

A post in group chats often either stays within the first groups or spreads through much of the
network, and rarely ends in between. The median of such runs then describes neither kind of
outcome, so the exhibit states the share of runs of each kind instead. The split is found on the
logarithm of each run's unique viewers, where the two kinds lie far apart, by the cut that best
separates the runs into two classes (Otsu's method: the largest between-class share of the
variance); it is reported only when the two classes are clearly apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SEPARATION", "outcome_clusters"]

#: Least share of the variance of log reach that the two classes must explain. A single normal
#: (or log-normal) hump gives 2/pi, about 0.64, at its best cut; two well-apart humps give more.
SEPARATION = 0.8
# Least share of runs in each class, and least ratio of the classes' medians.
_MIN_SHARE, _MIN_RATIO = 0.05, 10.0


def outcome_clusters(reach: np.ndarray) -> pd.DataFrame | None:
    """The two kinds of outcome in the runs' final reach, or ``None`` if there are not two.

    Parameters
    ----------
    reach : array of int
        Each run's unique viewers (or another count of reach).

    Returns
    -------
    DataFrame or None
        Two rows, smaller outcomes first: ``outcome`` (in words, with the cut), ``share`` and
        ``runs`` of that kind, ``p50`` (its median reach), ``low`` and ``high`` (its least and
        largest reach). ``None`` when the runs do not fall clearly into two kinds: each kind
        must hold at least 5% of the runs, the medians must differ tenfold, and the cut must
        explain at least :data:`SEPARATION` of the variance of ``log10(1 + reach)``.

    Examples
    --------
    >>> runs = np.repeat([8, 12, 2500, 3000], [300, 400, 200, 100])
    >>> table = outcome_clusters(runs)
    >>> table["outcome"].tolist(), table["share"].tolist()
    (['stayed small: at most 12 people', 'spread: more than 12 people'], [0.7, 0.3])
    >>> rng = np.random.default_rng(1)
    >>> outcome_clusters(rng.lognormal(5, 1, 1000).round()) is None   # one hump
    True
    """
    values = np.sort(np.asarray(reach, dtype=float))
    n = len(values)
    if n < 20 or values[0] == values[-1]:
        return None
    x = np.log10(1.0 + values)
    k = np.arange(1, n)  # the first k runs are the smaller class
    total = np.cumsum(x)
    low_mean = total[:-1] / k
    high_mean = (total[-1] - total[:-1]) / (n - k)
    between = (k / n) * (1 - k / n) * (low_mean - high_mean) ** 2
    allowed = (x[:-1] < x[1:]) & (k >= _MIN_SHARE * n) & (n - k >= _MIN_SHARE * n)
    if not allowed.any():
        return None
    between = np.where(allowed, between, -1.0)
    cut = int(np.argmax(between)) + 1
    small, large = values[:cut], values[cut:]
    if (between[cut - 1] < SEPARATION * x.var()
            or np.median(large) < _MIN_RATIO * max(np.median(small), 1.0)):
        return None
    edge = f"{small[-1]:,.0f} people"
    rows = [(f"stayed small: at most {edge}", small), (f"spread: more than {edge}", large)]
    return pd.DataFrame(
        [(label, len(part) / n, len(part), float(np.median(part)), part[0], part[-1])
         for label, part in rows],
        columns=["outcome", "share", "runs", "p50", "low", "high"],
    )
