"""Networks: users, groups, memberships and friend ties (``GroupNetwork``), their compressed
adjacency (``csr``), synthetic WeChat-like networks for teaching and tests (``synth``), and
networks of which only a part is known: the known facts (``known``), the world model assumed for
the rest (``world``), one complete network drawn from both (``draw``), several, for runs that
each use one (``sample``), and a world each run draws where it reaches (``lazy``)."""

from .draw import NetworkDraw, draw_network
from .graph import GroupNetwork
from .known import KnownNetwork
from .lazy import LazySample, draw_lazy
from .sample import NetworkSample, draw_networks
from .synth import synthetic_network
from .world import WorldModel

__all__ = [
    "GroupNetwork",
    "KnownNetwork",
    "LazySample",
    "NetworkDraw",
    "NetworkSample",
    "WorldModel",
    "draw_lazy",
    "draw_network",
    "draw_networks",
    "synthetic_network",
]
