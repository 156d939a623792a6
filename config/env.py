"""Read settings from the environment (Healthchecks' envbool/envint), with `*_FILE` variants for secrets."""

import os
from pathlib import Path


def env(name: str, default: str = "") -> str:
    """Value of NAME, or the content of the file named by NAME_FILE, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    """Boolean from the environment: "1", "true", "yes", "on" are true."""
    return env(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(env(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
