"""The audit log of every person-level read and export; entries cannot be changed."""
