"""Sinergi: data and coordination for Indonesia's regional poverty-reduction teams (TKPK)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
