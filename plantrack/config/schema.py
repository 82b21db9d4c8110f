"""The JSON schema of indicators.yaml, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plantrack.config.models import Registry

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "validation" / "indicators.schema.json"


def schema_json() -> dict[str, Any]:
    schema = Registry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "PlanTrack indicators.yaml"
    return schema


def schema_text() -> str:
    return json.dumps(schema_json(), ensure_ascii=False, indent=2) + "\n"
