"""Read the YAML files of knowledge/, naming the file and field of any problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"


class KnowledgeError(ValueError):
    """A knowledge-base file is missing, malformed, or inconsistent."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        super().__init__(f"{file}: {where}: {problem}")
        self.file = file
        self.where = where
        self.problem = problem


def read_mapping(directory: Path, name: str) -> dict[str, Any]:
    """Read one YAML file of knowledge/ that holds a mapping, naming the file on any problem."""
    try:
        with (directory / name).open(encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise KnowledgeError(name, "(file)", "is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "(file)", f"is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(name, "(file)", "must hold a mapping at the top")
    return data
