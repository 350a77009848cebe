"""The pages of the site: sign-in, dashboard, drill-down, desa lists, family detail."""
