"""Fixtures: a small knowledge directory on disk and an index over it in a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from integrations.knowledge.index import KnowledgeIndex

RULES_MD = """\
# Corner Bakery rules

## Opening hours 营业时间

We open Tuesday to Sunday from eight in the morning. Closed on Mondays.

每周二至周日早上八点开门，周一休息。

## Returns policy 退货政策

Fresh bread cannot be returned, but damaged goods are refunded in full the same day with a receipt.

新鲜面包售出后不予退货；商品损坏可当天凭小票全额退款。

## Delivery 配送

We deliver within five kilometres on Fridays for large orders.

每周五为大额订单提供五公里内配送服务。
"""

BREADS_MD = """\
# Breads

## Our sourdough

Sourdough, sourdough, sourdough: our sourdough bread rises overnight.

## Other breads

We sell many breads. Rye is dense and dark. Baguettes are crisp. Brioche is rich with butter and
eggs. Focaccia has olive oil and rosemary. Among all these, one is a sourdough, but this paragraph
is mostly about the other breads and their shapes, flours, crusts, crumbs and prices, which change
with the seasons and the price of grain at the mill down the road.

## Cakes

Cakes are made to order with at least two days' notice.
"""

NOTES_TXT = """\
Parking is available behind the shop.

Dogs are welcome on the terrace.
"""

GLOSSARY_YAML = """\
terms:
  - term: Levain
    definition: Our natural sourdough starter, fed twice a day.
    aliases: [starter, 酵头]
  - term: 定金
    definition: A deposit of 30 percent for custom cakes.
    aliases: [deposit]
  - term: Tart
    definition: A pastry with an open top.
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A knowledge directory with Markdown, text and a glossary."""
    root = tmp_path / "knowledge"
    root.mkdir()
    (root / "rules.md").write_text(RULES_MD, encoding="utf-8")
    (root / "breads.md").write_text(BREADS_MD, encoding="utf-8")
    (root / "notes.txt").write_text(NOTES_TXT, encoding="utf-8")
    (root / "glossary.yaml").write_text(GLOSSARY_YAML, encoding="utf-8")
    return root


@pytest.fixture
async def index(tmp_path: Path) -> AsyncIterator[KnowledgeIndex]:
    """An index in a SQLite file under tmp_path, closed after the test."""
    kb = KnowledgeIndex(tmp_path / "data" / "knowledge.db")
    yield kb
    await kb.close()
