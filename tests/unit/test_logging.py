"""Logs rotate and never hold a card number or a secret."""

import logging
from pathlib import Path

from counter_app.logging_setup import configure_logging, redact


def test_redacts_cards_secrets_and_url_passwords() -> None:
    text = redact("card 4111 1111 1111 1111 pin=1234 url postgresql://u:hunter2@db/x roll 4312000000008")
    assert "4111" not in text and "1234" not in text and "hunter2" not in text
    assert "[card number removed]" in text and "4312000000008" in text


def test_log_file_is_redacted_and_rotates(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    log = logging.getLogger("counter.test")
    for _ in range(3):
        log.info("typed %s in notes", "5500-0000-0000-0004")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "5500" not in content and content.count("[card number removed]") == 3
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(path))
    assert handler.maxBytes > 0 and handler.backupCount == 5  # type: ignore[attr-defined]
