"""Django settings for the tests: the site's own, on a throw-away data folder."""

import os
import tempfile

os.environ["SINERGI_HOME"] = tempfile.mkdtemp(prefix="sinergi-test-home-")
os.environ["SINERGI_SECRET_KEY"] = "only-for-tests"

from sinergi.web.settings import *  # noqa: F403

# Hashing on purpose slowly is the point in production and a waste in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
