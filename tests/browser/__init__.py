"""Browser tests: a real Chromium against a live server with the demo data."""
