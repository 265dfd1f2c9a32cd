"""Write the floor bot: the assistant's NLU pipeline and data, every intent answered by one fixed response.

    python scripts/floor_bot.py OUT_DIR    # writes OUT_DIR/config.yml, domain.yml, rules.yml

The floor is what plain Rasa costs with our language understanding and no custom action: the pipeline comes
from config.yml and the intents and entities from domain.yml at the moment of the benchmark, so the floor
never drifts from the assistant it is compared with. scripts/bench.sh trains it on data/nlu and these rules.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RESPONSE = "utter_fixed"
FALLBACK_INTENT = "nlu_fallback"


def floor_config(config: dict[str, Any]) -> dict[str, Any]:
    """Return the assistant's config with the same pipeline and a rule policy as the only policy."""
    return {"recipe": config.get("recipe", "default.v1"), "language": config["language"], "assistant_id": "floor",
            "pipeline": config["pipeline"], "policies": [{"name": "RulePolicy"}]}


def floor_domain(domain: dict[str, Any]) -> dict[str, Any]:
    """Return a domain with the assistant's intents, entities and session settings, and one fixed response."""
    return {"version": domain["version"], "intents": domain["intents"], "entities": domain["entities"],
            "responses": {RESPONSE: [{"text": "这是基准测试用的固定回复。"}]},
            "session_config": domain["session_config"]}


def floor_rules(domain: dict[str, Any]) -> dict[str, Any]:
    """Return one rule per intent (and for the NLU fallback): the fixed response."""
    intents = [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]] + [FALLBACK_INTENT]
    return {"version": domain["version"],
            "rules": [{"rule": intent, "steps": [{"intent": intent}, {"action": RESPONSE}]} for intent in intents]}


def write_floor(out: Path, root: Path = ROOT) -> None:
    """Write the floor bot's config, domain and rules into `out`."""
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for name, data in (("config.yml", floor_config(config)), ("domain.yml", floor_domain(domain)),
                       ("rules.yml", floor_rules(domain))):
        (out / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write_floor(Path(sys.argv[1]))
