"""Seeds: one 64-bit kernel key per run, spawned from the ensemble's seed as numpy's
``SeedSequence`` would, the other streams an ensemble or a fit draws from (each under its own
tag), and the record of that seed that a manifest keeps."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

import numpy as np

from ..errors import ParameterError


def run_seeds(rng: Any, runs: int) -> tuple[np.random.SeedSequence, np.ndarray]:
    """Spawn an ensemble seed from ``rng`` and one 64-bit kernel key per run.

    The key of run ``i`` is ``root.spawn(runs)[i].generate_state(1, np.uint64)[0]`` where
    ``root`` is the ensemble seed, computed for all runs at once rather than by building
    ``runs`` SeedSequence objects (which costs ~15 microseconds each).
    """
    root = np.random.default_rng(rng).bit_generator.seed_seq.spawn(1)[0]
    return root, _child_keys(root, runs)


class Stream(IntEnum):
    """Tags of the streams derived from an ensemble seed besides its run keys.

    Run ``i``'s key is the seed's child ``i`` (spawn key ``(..., i)``); every other stream is
    ``stream(root, tag, index)`` (spawn key ``(..., tag, index)``), so no two streams, and no
    stream and run key, share a spawn key. Each tag is used by one purpose only, including a
    fit's (``FIT``), which starts from the same root as ``estimate_reach`` with the same seed:
    a fit and the report that follows it with one seed never reuse each other's randomness.
    """

    LEVEL_KEYS = 1  # splitting: fresh keys of the runs continued after a level
    RESAMPLING = 2  # splitting: which kept runs are continued
    REJECTION = 3  # rejection: the keys of each batch
    PARTICLES = 4  # the posterior particle of each first run (the unconditioned runs' too)
    REJECTION_PARTICLES = 5  # rejection: the particle of each run of each batch
    FIT = 6  # calibrate.fit_abc: every draw of the fit
    THINNING = 7  # splitting: which runs are kept of a splitting from more first runs
    PRIOR_SAMPLE = 8  # calibrate.CalibrationResult.prior_sample: the values conditioned runs draw


def stream(root: np.random.SeedSequence, tag: Stream, index: int = 0) -> np.random.SeedSequence:
    """The stream ``tag`` (number ``index``) of the ensemble seeded by ``root``."""
    return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, int(tag), index))


def run_uniforms(root: np.random.SeedSequence, n: int) -> np.ndarray:
    """One uniform number in [0, 1) per run, from the run's own child key of ``root``: run
    ``i``'s number depends on ``root`` and ``i`` only, not on how many runs there are."""
    return (_child_keys(root, n) >> np.uint64(11)).astype(np.float64) * 2.0**-53


# numpy's SeedSequence constants (numpy/random/bit_generator.pyx)
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _M32 = 0xCA01F9DD, 0x4973F715, 0xFFFFFFFF


def _words(value: Any) -> list[int]:
    """32-bit words of an int or a sequence of ints, as SeedSequence coerces them."""
    if isinstance(value, int | np.integer):
        value = int(value)
        words = [value & _M32]
        value >>= 32
        while value:
            words.append(value & _M32)
            value >>= 32
        return words
    return [w for item in value for w in _words(item)]


def _child_keys(root: np.random.SeedSequence, n: int) -> np.ndarray:
    # A child's assembled entropy is the parent's (run entropy padded to the pool size, then
    # the spawn key) followed by the child's index, so the pool is mixed once for the shared
    # prefix and only the last word differs per child.
    size = root.pool_size
    run = _words(root.entropy)
    prefix = run + [0] * (size - len(run)) + _words(root.spawn_key)
    hc = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hc
        value ^= hc
        hc = (hc * _MULT_A) & _M32
        value = (value * hc) & _M32
        return value ^ (value >> 16)

    def mix(x: Any, y: Any) -> Any:
        r = (_MIX_L * x - _MIX_R * y) & _M32
        return r ^ (r >> 16)

    pool = [hashmix(prefix[i] if i < len(prefix) else 0) for i in range(size)]
    for src in range(size):
        for dst in range(size):
            if src != dst:
                pool[dst] = mix(pool[dst], hashmix(pool[src]))
    for word in prefix[size:]:
        for dst in range(size):
            pool[dst] = mix(pool[dst], hashmix(word))
    index = np.arange(n, dtype=np.uint64) + np.uint64(root.n_children_spawned)
    if n and int(index[-1]) > _M32:
        raise ParameterError(f"at most 2**32 runs per ensemble, got {n}")
    child = []
    for dst in range(size):
        before = hc
        hc = (hc * _MULT_A) & _M32
        v = ((index ^ np.uint64(before)) * np.uint64(hc)) & np.uint64(_M32)
        v ^= v >> np.uint64(16)
        # (L*x - R*y) mod 2**32, kept non-negative by adding R * 2**32 (y < 2**32).
        base = np.uint64(((_MIX_L * pool[dst]) & _M32) + (_MIX_R << 32))
        p = (base - np.uint64(_MIX_R) * v) & np.uint64(_M32)
        child.append(p ^ (p >> np.uint64(16)))
    words = []
    hb = _INIT_B
    for i in range(2):
        value = child[i % size] ^ np.uint64(hb)
        hb = (hb * _MULT_B) & _M32
        value = (value * np.uint64(hb)) & np.uint64(_M32)
        words.append(value ^ (value >> np.uint64(16)))
    return words[0] | (words[1] << np.uint64(32))


def seed_record(seq: np.random.SeedSequence) -> dict[str, Any]:
    """What a manifest needs to re-create the seeds: entropy and spawn key of the parent."""
    return {"entropy": seq.entropy, "spawn_key": tuple(seq.spawn_key)}
