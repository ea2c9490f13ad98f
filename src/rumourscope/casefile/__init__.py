"""Case folders: loading and validating them, hashing every file, pseudonymising people.

See ``docs/case-format.md`` for the folder format.
"""

from ._case import Case
from ._keys import DEMO_KEY, Pseudonymiser, default_key_dir
from ._load import default_key_file, demo_case, demo_folder, load_case

__all__ = [
    "DEMO_KEY",
    "Case",
    "Pseudonymiser",
    "default_key_dir",
    "default_key_file",
    "demo_case",
    "demo_folder",
    "load_case",
]
