"""YAML 1.2 parsed by libyaml (PyYAML's C loader): the same data as ruamel's round-trip
parser, 20–50× faster, without line numbers.

ruamel's round-trip parse of a province registry (300 indicators) takes about 0.8 s on an
idle machine; this takes a few ms. The registry and the task file are read with this first;
:mod:`plantrack.config.loader` falls back to ruamel (which keeps every key's line) only when
the file has an error to report, or when this parser refuses something.

The implicit types are ruamel's YAML 1.2 ones (taken from ``ruamel.yaml.resolver``), not
PyYAML's YAML 1.1 ones: ``yes``/``no``/``on``/``off`` stay text, no sexagesimal numbers;
``0123`` stays the text "0123" (a code; a number field reads it as 123; the loader reads
ruamel's the same way). A key repeated in one mapping raises :class:`DuplicateKeyError`
(ruamel refuses it too, naming the line).
"""

from __future__ import annotations

from typing import Any

import yaml
from ruamel.yaml import resolver as _ruamel_resolver

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C when PyYAML has libyaml
_SKIP = {"tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml"}


class DuplicateKeyError(yaml.YAMLError):
    """A key occurs twice in one mapping."""


class Loader(_Base):
    """A safe loader with YAML 1.2 implicit types that refuses duplicate keys."""

    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise DuplicateKeyError(f"duplicate key {key!r}")
                seen.add(key)
            except TypeError:  # an unhashable key: the base class says so
                break
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> int | str:
        """YAML 1.2: ``0o17`` octal, ``0b101``, ``0x1f``; ``-012`` is -12. Unsigned digits
        with a leading zero (``007``, an area code) stay the text as written: read as 7, a
        code ``007`` would silently become ``7`` and match no upload."""
        raw = str(self.construct_scalar(node))
        if len(raw) > 1 and raw.startswith("0") and raw.isdigit():
            return raw
        text = raw.replace("_", "")
        sign = -1 if text[:1] == "-" else 1
        text = text.lstrip("+-")
        for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
            if text.startswith(prefix):
                return sign * int(text[2:], base)
        return sign * int(text, 10)


for _versions, _tag, _regexp, _first in _ruamel_resolver.implicit_resolvers:
    if (1, 2) in _versions and _tag not in _SKIP:
        Loader.add_implicit_resolver(_tag, _regexp, _first)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)


def load(text: str) -> Any:
    """The document in ``text`` as plain dicts, lists and scalars (``yaml.YAMLError`` if bad)."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 — a SafeLoader subclass
