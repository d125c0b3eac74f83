"""lqcalc: location quotients and industrial-cluster indicators from regional statistics."""

__version__ = "0.1.0"
