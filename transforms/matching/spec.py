"""The matcher's settings, read from spec.toml (one declared place for every tuning number).

`load_spec()` parses the TOML shipped beside this module (or a given text) into plain nested
dicts; `spec_hash` is part of every plan's fingerprint, so editing a setting re-matches.
Code reads settings as `spec["section"]["key"]`; no tuning literal lives anywhere else.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

SPEC_PATH = Path(__file__).with_name("spec.toml")


def _frozen(value):
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


@lru_cache(maxsize=8)
def load_spec(text: str | None = None) -> MappingProxyType:
    """The spec as read-only nested mappings (the shipped spec.toml without `text`)."""
    raw = SPEC_PATH.read_text(encoding="utf-8") if text is None else text
    spec = _frozen(tomllib.loads(raw))
    spec_text_hash = hashlib.sha256(raw.encode()).hexdigest()
    return MappingProxyType({**spec, "_hash": spec_text_hash})


def spec_hash(spec) -> str:
    return spec["_hash"]


DEFAULT_SPEC = load_spec()


def with_settings(spec, section: str, **values) -> MappingProxyType:
    """A copy of `spec` with some settings of one section replaced (and a hash of its own), for
    trying a setting without editing spec.toml."""
    changed = MappingProxyType({**spec[section], **values})
    digest = hashlib.sha256(f"{spec_hash(spec)}|{section}|{sorted(values.items())!r}".encode()).hexdigest()
    return MappingProxyType({**spec, section: changed, "_hash": digest})
