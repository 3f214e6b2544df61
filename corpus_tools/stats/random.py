"""Reproducible randomness per group."""
from __future__ import annotations

import zlib

import numpy as np

__all__ = ["group_seed"]


def group_seed(seed: int, label: str) -> np.random.SeedSequence:
    """The random stream of one group: a :class:`numpy.random.SeedSequence` of the user's seed and the label.

    Keyed on the group's label (its CRC-32), not on its position, so a
    group's draws do not change when other groups are added to or dropped
    from the selection. Pass it to ``numpy.random.default_rng``.
    """
    return np.random.SeedSequence([int(seed), zlib.crc32(str(label).encode("utf-8"))])
