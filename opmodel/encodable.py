"""Error answers that always encode: DRF's messages quote the input ("“x” is not a valid
choice."), and a lone UTF-16 surrogate read from JSON ("\\ud800") cannot be written as UTF-8, so
the renderer itself would fail (a 500 instead of the 400 it meant to send)."""

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def _named(match: re.Match) -> str:
    return f"U+{ord(match.group()):04X}"


def encodable(data):
    """`data` (an error body: dicts, lists, strings) with every lone surrogate written as its code
    point name, keys included (a dict field's bad key is echoed as a key)."""
    if isinstance(data, str):
        return _SURROGATE.sub(_named, data) if _SURROGATE.search(data) else data
    if isinstance(data, dict):
        return {encodable(key): encodable(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [encodable(item) for item in data]
    return data
