"""Poverty statistics from survey microdata: design-based estimates, inequality, small areas."""
