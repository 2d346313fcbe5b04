"""Knowledge graph of the Syrian peace talks: build, validate, query and export."""

__version__ = "0.1.0"
