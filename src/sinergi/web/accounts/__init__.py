"""Accounts: roles as configuration and each user's dated, wilayah-scoped assignments."""
