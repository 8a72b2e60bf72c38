"""Text patterns more than one stage reads the same way."""
from __future__ import annotations

import re

# A title in 《》: what is inside belongs to a name (a year or a number in it is no date or count).
TITLE = re.compile(r"《[^《》\n]*》")

# Where a clause ends, for modifiers and counted nouns that must not reach across one.
CLAUSE_BREAK = re.compile(r"[，。；！？、：,;!?\n]")
