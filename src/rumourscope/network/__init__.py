"""Networks: users, groups, memberships and friend ties (``GroupNetwork``), their compressed
adjacency (``csr``), synthetic WeChat-like networks for teaching and tests (``synth``), and the
known facts of a network only part of which is known (``known``)."""

from .graph import GroupNetwork
from .known import KnownNetwork
from .synth import synthetic_network

__all__ = ["GroupNetwork", "KnownNetwork", "synthetic_network"]
