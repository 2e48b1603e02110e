"""How an intermediate value is written in ``hs_steps.val`` (a text column).

* a float: Python's ``repr`` (``"0.1"``, ``"inf"``, ``"nan"``): exact, as in schema version 1;
* a vector (multi-objective report): a JSON list of the floats' ``repr``
  (``"[0.1,NaN,-Infinity]"``, what Python's json writes and reads back), exact too.

Decoding tells them apart by the leading ``[``; a vector comes back as a tuple.
"""

from __future__ import annotations

import json

from hypersearch.trial._report_value import IntermediateValue


def encode_step_value(value: IntermediateValue) -> str:
    """The text stored for one report."""
    if isinstance(value, (tuple, list)):
        return json.dumps([float(v) for v in value], separators=(",", ":"), allow_nan=True)
    return repr(float(value))


def decode_step_value(text: str) -> IntermediateValue:
    """The report stored as ``text`` (see :func:`encode_step_value`)."""
    if text.startswith("["):
        return tuple(float(v) for v in json.loads(text))
    return float(text)
