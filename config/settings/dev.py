"""For working on the product: `make run`'s settings with DEBUG on (tracebacks in the browser).
Never for a town's server."""

from .local import *  # noqa: F403

DEBUG = True
