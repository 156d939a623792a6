"""Pages of the charging app (owned by the web side)."""
