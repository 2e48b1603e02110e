"""Gaussian-process Bayesian optimisation (see :class:`GPSampler`)."""

from __future__ import annotations

from hypersearch.samplers._gp._sampler import GPSampler

__all__ = ["GPSampler"]
