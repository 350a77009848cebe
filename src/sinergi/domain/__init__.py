"""Pure domain rules without I/O: area codes, NIK/KK, poverty lines and reference data."""
