"""Ingest: read a registry, survey or program file, check it against its contract, snapshot it."""
