"""Start Rasa's command line with the action-response validator compiled once.

Rasa 3.6 checks every action-server response with ``jsonschema.validate``, which first
re-validates the (constant) response schema itself: about two thirds of a turn's CPU time.
This launcher validates responses against the same schema with a validator built once.

    python -m rasa_ext.run run --model models/assistant.tar.gz ...
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Validate an action-server response as Rasa does, with the compiled validator."""
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Use the compiled validator for action-server responses."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    """Run Rasa's command line after installing the validator."""
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
