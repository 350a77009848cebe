"""The synthetic region generator: a regency shaped like the real registry exports."""
