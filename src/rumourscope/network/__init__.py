"""Networks: users, groups, memberships and friend ties (``GroupNetwork``), their compressed
adjacency (``csr``), synthetic WeChat-like networks for teaching and tests (``synth``), and
networks of which only a part is known: the known facts (``known``), the world model assumed for
the rest (``world``) and one complete network drawn from both (``draw``)."""

from .draw import NetworkDraw, draw_network
from .graph import GroupNetwork
from .known import KnownNetwork
from .synth import synthetic_network
from .world import WorldModel

__all__ = [
    "GroupNetwork",
    "KnownNetwork",
    "NetworkDraw",
    "WorldModel",
    "draw_network",
    "synthetic_network",
]
