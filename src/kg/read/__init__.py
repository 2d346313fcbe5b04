"""The read layer: plain data the surfaces show, read from the query store (no Flask here)."""
