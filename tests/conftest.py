"""Settings profiles of the property-based tests.

``suite`` (the default) keeps each property test to a few seconds; ``fuzz`` is the long run
before a release (``tools/fuzz_intake.py``, see docs/fuzzing.md), chosen with
``--hypothesis-profile=fuzz``.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "suite", max_examples=12, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "fuzz", max_examples=400, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("suite")
