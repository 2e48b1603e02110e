"""Conformance suites that every backend of a contract must pass.

``hypersearch.testing.storage.StorageSuite`` checks the rules of
:mod:`hypersearch.storages._base`; subclass it in a pytest module and provide a
``storage`` fixture.
"""

from __future__ import annotations

from hypersearch.testing.storage import StorageSuite

__all__ = ["StorageSuite"]
