"""The Django site (filled by the site issue)."""
