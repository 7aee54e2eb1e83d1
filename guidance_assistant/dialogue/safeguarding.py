"""Deprecated home of the safeguarding rules: use :mod:`guidance_assistant.safeguarding.rules`.

This name stays so that old imports keep working; it is the very same module object.
"""

import sys

from guidance_assistant.safeguarding import rules as _rules

sys.modules[__name__] = _rules
