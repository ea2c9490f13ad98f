"""What was observed: counts at times with their bounds and sources (``Evidence``).

Loading a case builds it and calibration fits to it; it depends on neither.
"""

from .observations import Bound, Evidence, ObservationKind, count_range

__all__ = ["Bound", "Evidence", "ObservationKind", "count_range"]
