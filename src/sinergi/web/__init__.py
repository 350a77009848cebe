"""The Django site: accounts and wilayah-scoped roles, the audit log, and the pages."""
