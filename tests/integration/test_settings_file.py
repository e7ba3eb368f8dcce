"""settings.json as IT edits it by hand: every bad value is one sentence naming the file, the key and the type.

Why these tests: a list, null or number in the file gave ``AttributeError`` on every command, deep nesting a
``RecursionError``, and the text ``"false"`` for ``verify_float`` switched float verification *on*. A typo in a key
name was ignored in silence, so the counter ran on the default the administrator meant to change.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from counter_app.config import ConfigError, Settings, load_settings
from counter_app.settings_file import KNOWN_KEYS, read_settings_file, write_settings_file
from tests.support.cli import forget_outside_settings, run


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    forget_outside_settings(monkeypatch)



BAD_FILES: list[tuple[str, str]] = [
    ("[]", "must hold one JSON object of settings such as {\"workstation\": \"CH1-02\"}, not a list"),
    ("null", "must hold one JSON object of settings such as {\"workstation\": \"CH1-02\"}, not null"),
    ("5", "not the number 5"),
    ('"CH1-02"', 'not the text "CH1-02"'),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"printer": {"kind": ' + "[" * 50_000 + "]" * 50_000 + "}}", "nested too deeply"),
    ('{"verify_float": "false"}', 'settings.json: verify_float must be true or false, not the text "false"'),
    ('{"verify_float": 0}', "verify_float must be true or false, not the number 0"),
    ('{"verify_float": null}', "verify_float must be true or false, not null"),
    ('{"workstaton": "CH1-02"}', 'settings.json: "workstaton" is not a setting (did you mean "workstation"?'),
    ('{"colour": "blue"}', '"colour" is not a setting (the settings are workstation, drawer_tolerance_cents'),
    ('{"verify_float": true, "verify_float": false}', '"verify_float" is given twice: keep one'),
    ('{"drawer_tolerance_cents": "25"}', 'drawer_tolerance_cents must be a whole number of cents, 0 to 10000, '
                                         'not the text "25"'),
    ('{"drawer_tolerance_cents": true}', "drawer_tolerance_cents must be a whole number of cents, 0 to 10000, "
                                         "not true"),
    ('{"drawer_tolerance_cents": 25.5}', "not the number 25.5"),
    ('{"drawer_tolerance_cents": NaN}', "is not valid JSON"),
    ('{"drawer_tolerance_cents": 99999999999999999999999}', "0 to 10000, not the number 99999999999999999999999"),
    ('{"idle_lock_minutes": 0}', "idle_lock_minutes must be a whole number of minutes, 1 to 120, not the number 0"),
    ('{"idle_lock_minutes": [5]}', "idle_lock_minutes must be a whole number of minutes, 1 to 120, not a list"),
    ('{"printer": ["pdf"]}', 'printer must be an object such as {"kind": "escpos-network", "host": "10.1.2.3"}, '
                             "not a list"),
    ('{"printer": "pdf"}', 'printer must be an object such as'),
    ('{"central_tls": ["verify-full"]}', 'central_tls must map option names to text'),
    ('{"central_tls": {"sslmode": 1}}', 'central_tls must map option names to text'),
    ('{"central_url": 5}', "central_url must be text such as"),
    ('{"central_url": {"host": "db"}}', "central_url must be text such as"),
    ('{"workstation": 102}', 'workstation must be text such as "CH1-02", not the number 102'),
    ('{"workstation": ["CH1-02"]}', 'workstation must be text such as "CH1-02", not a list'),
    ('{"\\u0007bell\\nline": 1}', '"\\u0007bell\\nline" is not a setting'),
    ("\ufffe{}", "is not valid JSON"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=[c[:40] for c, _ in BAD_FILES])
def test_a_bad_settings_file_is_one_line_naming_the_key_and_changes_nothing(
    tmp_path: Path, content: str, message: str
) -> None:
    settings = tmp_path / "settings.json"
    settings.write_text(content, encoding="utf-8")
    for command in (["journal"], ["--demo", "simulate", "--transactions", "3", "--date", "2026-11-25"]):
        code, out, err = run("--data-dir", str(tmp_path), *command)
        assert code == 2 and out == "", err
        assert len(err.splitlines()) == 1 and err.startswith(f"counter-app: {settings}"), err
        assert message in err and "Traceback" not in err, err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"], "no store, no log, nothing"
        assert settings.read_text(encoding="utf-8") == content


def test_load_settings_refuses_the_text_false_for_verify_float(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"verify_float": "false"}', encoding="utf-8")
    with pytest.raises(ConfigError, match='verify_float must be true or false, not the text "false"'):
        load_settings(str(tmp_path))


def test_good_settings_are_read_with_their_types(tmp_path: Path) -> None:
    content = {
        "_note": "set up by IT", "workstation": "CH1-04", "drawer_tolerance_cents": 0, "verify_float": True,
        "idle_lock_minutes": 120, "printer": {"kind": "pdf"}, "central_url": None,
        "central_tls": {"sslmode": "verify-full"},
    }
    # Notepad writes a byte-order mark: that is still a settings file.
    (tmp_path / "settings.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(content).encode("utf-8"))
    settings = load_settings(str(tmp_path))
    assert (settings.workstation, settings.drawer_tolerance_cents, settings.verify_float) == ("CH1-04", 0, True)
    assert (settings.idle_lock_minutes, settings.printer, settings.central_url) == (120, {"kind": "pdf"}, None)
    assert settings.central_tls == {"sslmode": "verify-full"}
    assert read_settings_file(tmp_path / "settings.json") == content, "read as written (for a writer)"
    assert read_settings_file(tmp_path / "absent.json") == {}


def test_a_huge_file_is_not_read_whole(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"_pad": "' + "x" * 2_000_000 + '"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="larger than 1 MB"):
        load_settings(str(tmp_path))


def test_a_folder_named_settings_json_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()
    code, _, err = run("--data-dir", str(tmp_path), "journal")
    assert code == 2 and len(err.splitlines()) == 1 and "is a folder, not a settings file" in err, err


def test_every_setting_the_counter_keeps_has_a_check() -> None:
    """A new field in Settings read from the file must get its check in KNOWN_KEYS (or it would be refused)."""
    from_file = {f.name for f in dataclasses.fields(Settings)} - {"data_dir", "demo", "timezone", "workstation_source"}
    assert from_file <= set(KNOWN_KEYS)


def test_the_writer_checks_what_it_writes(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    with pytest.raises(ConfigError, match="verify_float must be true or false"):
        write_settings_file(path, {"verify_float": "yes"})
    assert not path.exists()
    write_settings_file(path, {"workstation": "CH1-02", "printer": {"kind": "pdf"}})
    assert json.loads(path.read_text(encoding="utf-8")) == {"workstation": "CH1-02", "printer": {"kind": "pdf"}}
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"], "no temporary file left"


def test_the_printer_screen_does_not_rewrite_a_file_with_a_typo(qapp: object, tmp_path: Path) -> None:
    from counter_app.ui.printer_settings import SettingsFileError, save_printer_section

    path = tmp_path / "settings.json"
    path.write_text('{"workstaton": "CH1-02"}', encoding="utf-8")
    with pytest.raises(SettingsFileError, match=r'"workstaton" is not a setting.*nothing was saved'):
        save_printer_section(tmp_path, {"kind": "escpos-dummy"})
    assert path.read_text(encoding="utf-8") == '{"workstaton": "CH1-02"}'
    path.write_text('{"workstation": "CH1-02", "_note": "IT"}', encoding="utf-8")
    save_printer_section(tmp_path, {"kind": "escpos-dummy"})
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "workstation": "CH1-02", "_note": "IT", "printer": {"kind": "escpos-dummy"}}
