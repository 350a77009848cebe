"""Documents and charts built from lake tables (filled by later issues)."""
