"""The package version (``hypersearch.version.__version__``, as ``optuna.version``)."""

__version__ = "0.1.0"
