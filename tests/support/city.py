"""The city's PIN pepper in tests: real stores hash and check PINs with it (demo stores use the public demo one)."""

from __future__ import annotations

from counter_app.security.pins import Pepper

CITY_PEPPER_TEXT = "city-pepper-for-tests-0123456789-abcdefghijklmnop"
CITY_PEPPER = Pepper(CITY_PEPPER_TEXT.encode("utf-8"), "tests")
