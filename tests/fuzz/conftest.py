"""The fuzz tests' hypothesis profile: the same examples on every run, a bounded budget.

The profile is registered here and named by each fuzz test (``@settings(FUZZ)``), so the
global profile of the other tests is left alone. ``FUZZ_SCALE=10`` runs ten times as many
examples (see ``strategies.examples``); CI runs the default.
"""

from hypothesis import HealthCheck, settings

from tests.fuzz.strategies import examples

settings.register_profile(
    "fuzz",
    derandomize=True,  # CI runs the very same examples every time
    database=None,  # so nothing a previous run found changes what this one tries
    deadline=None,
    max_examples=examples(40),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
