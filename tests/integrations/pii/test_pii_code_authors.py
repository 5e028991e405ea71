"""People's names (PERSON) where code and its tools name an author: git's identity, a file's header, a copyright."""

from __future__ import annotations

import pytest

from integrations.pii.engine import PiiSanitizer
from integrations.pii.recognizers import default_registry


def people(text: str) -> list[str]:
    """The PERSON findings the whole registry keeps in text."""
    return [f.text for f in default_registry().analyze(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(("text", "found"), [
    ('git config --global user.name "Anna Schmidt"', ["Anna Schmidt"]),
    ("git -c user.name='Tom Becker' commit -m x", ["Tom Becker"]),
    ("[core]\n\teditor = vim\n[user]\n\tname = Maria Rossi\n\temail = maria@example.org", ["Maria Rossi"]),
    ('export GIT_AUTHOR_NAME="Tom Becker"', ["Tom Becker"]),
    ("env:\n  GIT_COMMITTER_NAME: Lena Hoffmann", ["Lena Hoffmann"]),
    ('__author__ = "Anna Schmidt"', ["Anna Schmidt"]),
    ("#!/usr/bin/env python3\n# Author: Tom Becker\n# Date: 2026-12-07", ["Tom Becker"]),
    ("/**\n * Parses a config.\n * @author Maria Rossi\n */", ["Maria Rossi"]),
    ('{"name": "roost-card", "author": "Jonas Weber", "license": "MIT"}', ["Jonas Weber"]),
    ('authors = [{name = "Anna Schmidt", email = "anna@example.org"}]', ["Anna Schmidt"]),
    ("//  Created by Anna Schmidt on 07.12.26.", ["Anna Schmidt"]),
    ("# Copyright (c) 2026 Tom Becker", ["Tom Becker"]),
    ("Copyright © 2024-2026 Maria Rossi. All rights reserved.", ["Maria Rossi"]),
    ("Copyright (c) 2024, Anna Schmidt and contributors", ["Anna Schmidt"]),
    ("Copyright 2026 Tom Becker\n\nTom Becker wrote this for his Pi.", ["Tom Becker", "Tom Becker"]),  # repeated
    ("# Author: Ben Gertzfield, Barry Warsaw", ["Ben Gertzfield", "Barry Warsaw"]),  # a list
    ("Copyright (C) 2001-2002 Anna Schmidt, Tom Becker and Maria Rossi.",
     ["Anna Schmidt", "Tom Becker", "Maria Rossi"]),
    ("# Copyright (c) 2005-2012 Stephen John Machin, Lingfo Pty Ltd", ["Stephen John Machin"]),
    ("Copyright 2001 Guido van Rossum", ["Guido van Rossum"]),  # a particle
    ("# Author: Anna M. Schmidt, Tom O'Connor", ["Anna M. Schmidt", "Tom O'Connor"]),  # an initial, an apostrophe
    ("__author__ = 'Tom O’Brien'", ["Tom O’Brien"]),
    ("//  Created by Ngozi MacDonald on 07.12.26.", ["Ngozi MacDonald"]),  # a prefix before a capital
    ("Fix the parser\n\nReviewed-by: Maria Rossi\nAcked-by: Tom Becker\nTested-by: Lena Vogel",
     ["Maria Rossi", "Tom Becker", "Lena Vogel"]),  # a commit's trailers
    ("Co-authored-by: Anna Schmidt <anna@example.org>", ["Anna Schmidt"]),
])
def test_an_author_s_name_is_found(text: str, found: list[str]) -> None:
    assert people(text) == found


@pytest.mark.parametrize("text", [
    "Copyright (C) 2001-2024 Python Software Foundation",
    "Copyright 2010 The Go Authors. All rights reserved.",
    "Copyright (c) Meta Platforms, Inc. and affiliates.",
    "Copyright 2024 Raspberry Pi Ltd",
    "Copyright (c) 1985 Adobe Systems Incorporated. All Rights Reserved.",
    "# Copyright © 2018 Clarity Movement Co. All rights reserved.",
    "Copyright (c) 2001-2020 Twisted Matrix Laboratories.",
    "Copyright 2019 Google LLC and copyright (c) 2020 Microsoft",  # one word: a company's as often as a person's
    "Copyright notice and copyright holders",
    "- name: Roost Assistant\n  author: anna",
    "name = Anna Schmidt",  # a key without git's [user] before it
    '__author__ = "guido"',
    "Created by the Roost team",
    "Reported-by: syzbot\nTested-by: Kernel CI Team\nSuggested-by: dependabot",
])
def test_what_names_no_author_stays(text: str) -> None:
    assert people(text) == []


async def test_an_author_becomes_a_placeholder_and_comes_back(sanitizer: PiiSanitizer) -> None:
    text = 'git config --global user.name "Anna Schmidt"\ngit config --global user.email anna@example.org'
    clean = await sanitizer.sanitize(text, "chat-1")
    assert clean == 'git config --global user.name "[PERSON_1]"\ngit config --global user.email [EMAIL_1]'
    assert await sanitizer.restore(clean, "chat-1") == text
