"""The package's expected errors share one base so the CLI (and later the web app)
can report them without a blanket `except Exception`."""


class KgError(Exception):
    """An expected failure with a message meant for the user."""
