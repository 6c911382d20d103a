"""Normalising what users type into tags and references."""

from __future__ import annotations

import re

from .errors import Invalid

MAX_TAGS = 20
MAX_TAG_LEN = 40
_TAG = re.compile(r"^[\w][\w\-./]*$")


def normalize_tags(tags: list[str]) -> list[str]:
    """Lower-case, trimmed, unique, in the order given. Refuses what cannot be a tag."""
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LEN or not _TAG.match(tag):
            raise Invalid(
                f"tag {raw!r} is not allowed: use letters, digits, '-', '_', '.' or '/', "
                f"at most {MAX_TAG_LEN} characters",
                {"field": "tags", "value": raw},
            )
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise Invalid(f"a ticket has at most {MAX_TAGS} tags", {"field": "tags"})
    return out
