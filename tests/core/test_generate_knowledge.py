"""The generate action with knowledge: passages in the system prompt, and the documents they came from named."""

from __future__ import annotations

import asyncio

import pytest

from tests.core.test_generate_action import (
    CONFIG,
    SecretSanitizer,
    StreamingChannel,
    _ask,
    _started,
)


async def test_knowledge_passages_go_into_the_system_prompt(make_config, make_gateway) -> None:
    gateway = await _started(make_config, make_gateway, SecretSanitizer())

    class Notes:
        def __init__(self) -> None:
            self.queries: list[str] = []

        async def context(self, message: str, query: str | None, top_k: int | None) -> str:
            self.queries.append(query or "")
            return "[rules.md]\nWe open at 7."

    notes = Notes()
    gateway.register_knowledge(notes)
    await _ask(gateway, "when do you open?")
    await gateway.data["rec"].wait_for(1, timeout=5)
    system = gateway.models["echo"].requests[0].messages[0]
    assert system.role == "system" and "We open at 7." in system.content and "Be brief." in system.content
    assert notes.queries == ["when do you open?"]


class CitedNotes:
    """A knowledge provider that names the documents of its notes."""

    async def context(self, message: str, query: str | None, top_k: int | None) -> str:
        return "[rules.md]\nWe open at 7.\n\n[hours.md]\nClosed on Mondays."

    async def cited_context(self, message: str, query: str | None, top_k: int | None) -> tuple[str, list[str]]:
        return await self.context(message, query, top_k), ["rules.md", "hours.md"]


class UncitedNotes:
    """One that does not."""

    async def context(self, message: str, query: str | None, top_k: int | None) -> str:
        return "[rules.md]\nWe open at 7."


@pytest.mark.parametrize("sources", [True, False])
async def test_an_answer_with_sources_names_the_documents_it_was_given(make_config, make_gateway,
                                                                       sources: bool) -> None:
    live = StreamingChannel("live")
    config = CONFIG.replace("knowledge: true", f"knowledge: true\n          sources: {str(sources).lower()}")
    gw = await _started(make_config, make_gateway, SecretSanitizer(), live, config=config)
    gw.register_knowledge(CitedNotes())
    await _ask(gw, "when?", platform="live")
    [(_chat, sent)] = await live.wait_for(1, timeout=5)
    footer = "\n\nSources: `rules.md`, `hours.md`" if sources else ""
    assert sent == "You said: when?" + footer and "".join(live.chunks) == sent, "as it is written, too"
    await asyncio.wait_for(gw.wait_idle(), 5)
    [(_role, _asked), (_, remembered)] = await gw.store.history.recent("live:c1", 10)
    assert remembered == "You said: when?", "the model's words are remembered, not the list of sources"


async def test_sources_need_a_provider_that_names_them(make_config, make_gateway) -> None:
    config = CONFIG.replace("knowledge: true", "knowledge: true\n          sources: true")
    gw = await _started(make_config, make_gateway, SecretSanitizer(), config=config)
    gw.register_knowledge(UncitedNotes())
    await _ask(gw, "when?")
    assert await gw.data["rec"].wait_for(1, timeout=5) == [("c1", "You said: when?")]
