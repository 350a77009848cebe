"""Pipeline stages: ingest, link, diagnose, stats, plan (filled by later issues)."""
