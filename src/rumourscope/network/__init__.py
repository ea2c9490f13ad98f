"""Networks: users, groups, memberships and friend ties (``GroupNetwork``), their compressed
adjacency (``csr``), and synthetic WeChat-like networks for teaching and tests (``synth``)."""

from .graph import GroupNetwork
from .synth import synthetic_network

__all__ = ["GroupNetwork", "synthetic_network"]
