"""One Settings: defaults in one place, a generated local key in development, fail fast in production."""

from __future__ import annotations

import stat
from datetime import date

import pytest

from bot.settings import Settings, SettingsError, get_settings, main


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for field in Settings.__fields__.values():
        monkeypatch.delenv(str(field.field_info.extra.get("env", field.name)).upper(), raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_missing_key_is_generated_once_private_and_reused(tmp_path):
    first = Settings()
    key_file = tmp_path / "var" / "secrets" / "id_hash_key"
    assert first.id_hash_key and key_file.read_text() == first.id_hash_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings().id_hash_key == first.id_hash_key
    assert first.id_hash_key != "dev-only-change-me" and len(first.id_hash_key) >= 40
    assert first.session_secret != first.id_hash_key != first.relay_secret


def test_production_refuses_to_start_without_its_secrets(monkeypatch):
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("ID_HASH_KEY", "from-the-vault")
    with pytest.raises(SettingsError, match="SESSION_SECRET, RELAY_SECRET"):
        get_settings()


def test_environment_overrides_defaults_and_derived_values_follow(monkeypatch):
    monkeypatch.setenv("RASA_PORT", "5105")
    monkeypatch.setenv("ASSISTANT_TODAY", "2026-11-21")
    monkeypatch.setenv("PUBLIC_URL", "https://zx.example.org/")
    settings = get_settings()
    assert settings.rasa_url == "http://127.0.0.1:5105" and settings.today == date(2026, 11, 21)
    assert settings.public_url == "https://zx.example.org" and settings.cookies_secure
    assert get_settings() is settings


def test_shell_exports_for_the_scripts(monkeypatch, capsys):
    monkeypatch.setenv("WEB_PORT", "8100")
    assert main(["--shell"]) == 0
    out = capsys.readouterr().out
    assert "export WEB_PORT=8100" in out and "export SANIC_HOST=127.0.0.1" in out
    monkeypatch.setenv("ENV", "production")
    get_settings.cache_clear()
    assert main(["--shell"]) == 1


def test_the_shells_own_env_variable_is_not_taken_for_ours(monkeypatch):
    monkeypatch.setenv("ENV", "/root/.shrc")
    assert Settings().env == "development"
    monkeypatch.setenv("ENV", "prodution")
    with pytest.raises(ValueError, match="development 或 production"):
        Settings()
