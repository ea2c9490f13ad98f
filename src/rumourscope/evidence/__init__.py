"""What was observed: counts at times with their bounds and sources (``Evidence``).

Loading a case builds it and calibration fits to it; it depends on neither.
"""

from .observations import MAX_COUNT, Bound, Evidence, ObservationKind, count_range, parse_counts

__all__ = ["MAX_COUNT", "Bound", "Evidence", "ObservationKind", "count_range", "parse_counts"]
