"""The installed package's version, for manifests and ``rumourscope --version``."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rumourscope")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
