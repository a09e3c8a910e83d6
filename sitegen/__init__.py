"""sitegen: the static site generator behind the Hand in Health website."""

__version__ = "0.1.0"
