"""Conformance suites that every backend of a contract must pass.

``hypersearch.testing.storage.StorageSuite`` checks the rules of
:mod:`hypersearch.storages._base`; subclass it in a pytest module and provide a
``storage`` fixture. ``hypersearch.testing.travel.TravelSuite`` checks that a
sampler, pruner or scheduler pickles and continues its seeded stream (provide a
``component`` fixture); ``check_executor_run`` runs one through a real executor.
"""

from __future__ import annotations

from hypersearch.testing.storage import StorageSuite
from hypersearch.testing.travel import Component, TravelSuite, check_executor_run

__all__ = ["Component", "StorageSuite", "TravelSuite", "check_executor_run"]
