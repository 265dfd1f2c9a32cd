"""The one place settings are read: environment variables over the defaults below.

Every process (Rasa's components and stores, the action server, the web app, the command-line tools and
scripts/env.sh) reads them through `get_settings()`. In development a missing secret is generated once
into var/secrets/ (mode 0600) and reused; with ENV=production a missing secret stops the process.

    python -m bot.settings --shell    # print `export NAME=value` lines for the shell scripts
"""

from __future__ import annotations

import os
import secrets
import shlex
import sys
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseSettings, Field, root_validator, validator

ROOT = Path(__file__).resolve().parent.parent
# Rasa's route where the staff console asks how the serving model reads a text (the relay's secret required).
CONSOLE_PARSE_PATH = "/internal/parse"
# The header the web app proves itself to Rasa with (RELAY_SECRET): its relayed chat and the console's parse.
RELAY_SECRET_HEADER = "X-Relay-Secret"
SECRETS = ("id_hash_key", "session_secret", "relay_secret")


class SettingsError(RuntimeError):
    """The settings cannot be used as given (a missing production secret, a bad value)."""


class Settings(BaseSettings):
    """Every setting of the assistant, with its default."""

    env: Literal["development", "production"] = Field(default="development", description="ENV=production in production")
    var_dir: Path = ROOT / "var"

    # Ports and addresses of the processes on one machine (scripts/serve.sh starts them).
    rasa_port: int = 5005
    actions_port: int = 5055
    web_port: int = 8000
    action_endpoint_url: str = Field(
        default="", description="action servers to call (several machines); empty: Rasa runs the actions itself")
    actions_host: str = Field(default="127.0.0.1", description="an action server listens here (keep it on loopback)")
    rasa_url: str = ""
    public_url: str = ""

    # The status store (applications, staff, limits, the WeChat channel's shared memory).
    database_url: str = ""
    id_hash_key: str = ""
    max_status_attempts: int = Field(default=5, ge=1, description="failed look-ups per ID number within the window")
    max_client_failures: int = Field(default=20, ge=1, description="failed look-ups per client within the window")
    lookup_window_minutes: int = Field(default=15, ge=1)
    today: date | None = Field(default=None, env="ASSISTANT_TODAY")

    # The staff console.
    session_secret: str = ""
    secure_cookies: bool = False
    session_hours: int = Field(default=8, ge=1)
    max_login_failures: int = Field(default=5, ge=1, description="failed logins per user name and per address")
    login_window_minutes: int = Field(default=15, ge=1)
    embed_ancestors: str = Field(default="*", description="CSP frame-ancestors of the embeddable widget")
    review_min_confidence: float = Field(
        default=0.6, ge=0, le=1, description="a turn understood with less confidence goes to the review queue")

    # The web relay proves itself to Rasa's REST channel with this secret, so its client address is trusted.
    relay_secret: str = ""

    # WeChat official account.
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_aes_key: str = ""
    wechat_max_clock_skew_seconds: int = Field(default=300, ge=1)

    # The conversation (tracker) store.
    tracker_dialect: str = "sqlite"
    tracker_host: str = ""
    tracker_port: int | None = None
    tracker_db: str = ""
    tracker_user: str = ""
    tracker_password: str = ""
    max_session_events: int = Field(
        default=150, ge=20, description="a session holding this many events goes on in a new one carrying its slots over")
    turns_in_progress: int = Field(default=2, ge=1, description="turns one Rasa process works on at once; the others wait")

    # What one sender can make a server do (every channel: REST, socket.io, WeChat and the web relay).
    max_message_chars: int = Field(default=500, ge=50, description="longer messages are refused before reading them")
    max_request_bytes: int = Field(
        default=64 * 1024, ge=4096, description="larger request bodies are refused before parsing (JSON, WeChat XML)")
    messages_per_sender: int = Field(default=20, ge=1, description="messages one conversation may send per window")
    messages_per_client: int = Field(
        default=60, ge=1, description="messages one address (or WeChat user) may send per window, over all its conversations")
    message_window_seconds: int = Field(default=60, ge=1)
    unlimited_clients: list[str] = Field(
        default=["rest:127.0.0.1"],
        description="clients (as the channels name them) neither rate-limited nor counted for failed look-ups: by "
                    "default the machine's own REST callers (the web relay names each browser instead); every ID "
                    "number's failed look-ups are still counted")
    parse_seconds: float = Field(default=5.0, gt=0, description="a message not understood by then gets the phone hand-off")
    action_seconds: float = Field(default=5.0, gt=0, description="an action not done by then gets the phone hand-off")
    stop_seconds: float = Field(default=3.0, gt=0, description="a server asked to stop finishes its turns this long at most")

    class Config:
        env_file_encoding = "utf-8"
        case_sensitive = False

    @validator("env", pre=True)
    def known_environment(cls, value: object) -> str:
        """Read ENV; a path there is the POSIX shell's own ENV (its start-up file), not ours."""
        text = str(value or "").strip().lower()
        if text in ("", "development") or "/" in text:
            return "development"
        if text == "production":
            return "production"
        raise ValueError(f"ENV 应为 development 或 production，而不是 {value!r}")

    @root_validator(skip_on_failure=True)
    def fill_defaults(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Derive defaults that depend on other settings, and provide or demand the secrets."""
        var_dir: Path = values["var_dir"]
        values["database_url"] = values["database_url"] or f"sqlite:///{var_dir / 'assistant.db'}"
        values["tracker_db"] = values["tracker_db"] or str(var_dir / "tracker.db")
        values["rasa_url"] = (values["rasa_url"] or f"http://127.0.0.1:{values['rasa_port']}").rstrip("/")
        values["public_url"] = (values["public_url"] or f"http://127.0.0.1:{values['web_port']}").rstrip("/")
        missing = [name for name in SECRETS if not values[name]]
        if values["env"] == "production":
            if missing:
                names = ", ".join(name.upper() for name in missing)
                raise ValueError(f"ENV=production needs these secrets set (one shared value on every replica): {names}")
            return values
        for name in missing:
            values[name] = local_secret(var_dir / "secrets" / name)
        return values

    @property
    def lookup_window(self) -> timedelta:
        """Return how long failed look-ups count."""
        return timedelta(minutes=self.lookup_window_minutes)

    @property
    def login_window(self) -> timedelta:
        """Return how long failed logins count."""
        return timedelta(minutes=self.login_window_minutes)

    @property
    def session_lifetime(self) -> timedelta:
        """Return how long a console session lasts."""
        return timedelta(hours=self.session_hours)

    @property
    def cookies_secure(self) -> bool:
        """Say whether cookies are sent over HTTPS only."""
        return self.secure_cookies or self.public_url.startswith("https://")

    def shell_exports(self) -> str:
        """Return the settings the shell scripts and Rasa's endpoint files read, as export lines."""
        exports = {
            "RASA_PORT": self.rasa_port, "ACTIONS_PORT": self.actions_port, "WEB_PORT": self.web_port,
            "SANIC_HOST": self.actions_host, "RASA_URL": self.rasa_url, "DATABASE_URL": self.database_url,
            "ACTION_ENDPOINT_URL": self.action_endpoint_url, "STOP_SECONDS": self.stop_seconds,
        }
        return "\n".join(f"export {name}={shlex.quote(str(value))}" for name, value in exports.items())


def local_secret(path: Path) -> str:
    """Return the secret kept in a file, creating it (mode 0600) with a random value the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # atomic: when processes start together, the first one's key wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings, read once per process (`get_settings.cache_clear()` re-reads them)."""
    try:
        return Settings()
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc


def main(argv: list[str]) -> int:
    """Print the settings as shell exports, or the problem with them."""
    if argv != ["--shell"]:
        print("用法：python -m bot.settings --shell", file=sys.stderr)
        return 2
    try:
        print(get_settings().shell_exports())
    except SettingsError as exc:
        print(f"设置有误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
