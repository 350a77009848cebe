"""Uploads: registry files imported as background jobs, with progress and the import report."""
