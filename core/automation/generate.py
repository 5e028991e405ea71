"""The generate action: sanitize, add history and knowledge, ask a model, restore, reply.

Besides a prompt, a generate step can take the whole conversation as ``messages`` (a template
giving a list of ``{role, content}``, as an OpenAI request carries it: no stored history is
added) and sampling ``options`` (a template giving a mapping: max_tokens, temperature, top_p,
stop, seed, tools, tool_choice); ``model`` may be a template too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

import voluptuous as vol

from core import events
from core.automation.actions import COMMON, ActionError
from core.automation.context import RunContext
from core.automation.conversation import MESSAGES, OPTIONS, restored_calls, safe_turns
from core.automation.registry import ActionType, Compiler
from core.automation.script import BaseStep
from core.automation.templates import Template
from core.model import ChatTurn, ModelRequest

DEFAULT_PROMPT = "{{ trigger.text }}"
SOURCES = "\n\nSources: {sources}"
"""What follows an answer of a step with ``sources: true``: the documents of the knowledge it was given, each as code
(Markdown), so that a chat app does not take a name for a web address (rules.md: .md is Moldova's domain)."""

GENERATE_SCHEMA = vol.Schema({
    **COMMON,
    vol.Required("generate"): vol.Any(None, {
        vol.Optional("model"): vol.Any(None, str),
        vol.Optional("system"): str,
        vol.Optional("prompt", default=DEFAULT_PROMPT): str,
        vol.Exclusive("messages", "conversation"): str,
        vol.Exclusive("history", "conversation"): vol.All(int, vol.Range(min=0, max=200)),
        vol.Optional("options"): str,
        vol.Optional("knowledge", default=False): vol.Any(bool, str),
        vol.Optional("top_k"): vol.All(int, vol.Range(min=1, max=50)),
        vol.Optional("sources", default=False): bool,
        vol.Optional("max_tokens"): vol.All(int, vol.Range(min=1)),
        vol.Optional("temperature"): vol.All(vol.Coerce(float), vol.Range(min=0, max=2)),
        vol.Optional("reply", default=True): bool,
        vol.Optional("stream", default=True): bool,
    }),
})


class GenerateStep(BaseStep):
    """Ask a model; the prompt and everything around it passes the sanitizers first."""

    name = "generate"

    def __init__(self, config: dict[str, Any], _compiler: Compiler, path: str) -> None:
        super().__init__(config, path)
        spec = GENERATE_SCHEMA({"generate": config["generate"] or {}})["generate"]
        self.model = Template(spec["model"]) if spec.get("model") else None
        self.system = Template(spec["system"]) if spec.get("system") else None
        self.prompt = Template(spec["prompt"])
        self.messages = Template(spec["messages"]) if "messages" in spec else None
        self.options = Template(spec["options"]) if "options" in spec else None
        self.history = spec.get("history", 0)
        knowledge = spec["knowledge"]
        self.knowledge: Template | bool = Template(knowledge) if isinstance(knowledge, str) else knowledge
        self.top_k = spec.get("top_k")
        self.sources = spec["sources"]
        self.max_tokens = spec.get("max_tokens")
        self.temperature = spec.get("temperature")
        self.reply = spec["reply"]
        self.stream = spec["stream"]

    async def run(self, ctx: RunContext) -> Any:
        """Build the prompt, stream the answer, restore it, send it, remember the turn."""
        gateway = ctx.gateway
        model = self._model(gateway, ctx)
        message = ctx.message
        scope = message.chat_key if message is not None else f"run:{ctx.run_id}"
        reply_key = ctx.idempotency_key(self.path)
        if self.reply and message is not None and not ctx.dry_run and await ctx.out.already_sent(reply_key):
            return None  # a retried run: this answer was delivered before
        conversation = self._rendered(self.messages, MESSAGES, ctx, "messages")
        prompt = conversation[-1]["content"] if conversation else self.prompt.render(ctx.variables)
        system = self.system.render(ctx.variables) if self.system else None
        knowledge, sources = await self._knowledge(ctx, prompt)
        if knowledge:
            system = f"{system}\n\n" if system else ""
            system += f"Use these notes if they help:\n{knowledge}"
        turns: list[ChatTurn] = []
        if system:
            turns.append(ChatTurn("system", await gateway.sanitize(system, scope)))
        if conversation:
            turns.extend(await safe_turns(conversation, lambda text: gateway.sanitize(text, scope)))
            safe_prompt = turns[-1].content
        else:
            safe_prompt = await gateway.sanitize(prompt, scope)
            history = await gateway.conversations.recent(scope, self.history) if self.history else []
            turns.extend(ChatTurn(role, content) for role, content in history)
            turns.append(ChatTurn("user", safe_prompt))
        options = self._rendered(self.options, OPTIONS, ctx, "options") or {}
        if (options.get("tools") or any(t.tool_calls or t.role == "tool" for t in turns)) and not model.accepts_tools:
            raise ActionError(f"model '{model.name}' cannot use tools")
        request = ModelRequest(
            tuple(turns), max_tokens=options.get("max_tokens") or self.max_tokens,
            temperature=_first(options.get("temperature"), self.temperature),
            stop=tuple(options.get("stop") or ()), top_p=options.get("top_p"), seed=options.get("seed"),
            tools=tuple(options.get("tools") or ()), tool_choice=options.get("tool_choice"),
            metadata={"run_id": ctx.run_id, "automation": ctx.automation_id})
        if ctx.dry_run:
            return safe_prompt
        raw_parts: list[str] = []
        shown_parts: list[str] = []
        restorers = [await s.restorer(scope) for s in gateway.sanitizers]

        async def restore(text: str) -> str:
            for sanitizer in gateway.sanitizers:
                restorer = await sanitizer.restorer(scope)
                text = restorer.feed(text) + restorer.flush()
            return text

        async def answer() -> AsyncGenerator[str, None]:
            started, first, ending, calls = time.monotonic(), None, "error", []
            try:
                async with aclosing(model.stream(request)) as pieces:  # a consumer that stops frees the model
                    async for chunk in pieces:
                        if first is None:
                            first = time.monotonic() - started
                        raw_parts.append(chunk)
                        for restorer in restorers:
                            chunk = restorer.feed(chunk)
                        if chunk:
                            shown_parts.append(chunk)
                            yield chunk
                tail = ""
                for restorer in restorers:
                    tail = restorer.feed(tail) + restorer.flush()
                if sources:  # shown with the answer, not remembered as the model's words
                    tail += _cited(sources)
                if tail:
                    shown_parts.append(tail)
                    yield tail
                ending = request.outcome.finish_reason
                calls = await restored_calls(request.outcome.tool_calls, restore)
            except (GeneratorExit, asyncio.CancelledError):
                ending = "cancelled"  # the reader stopped (its client left), or the run was stopped (Ctrl-C)
                raise
            finally:
                outcome = request.outcome
                gateway.bus.fire(events.MODEL_ANSWERED, {
                    "model": model.name, "chunks": len(raw_parts), "first_chunk_seconds": first,
                    "seconds": time.monotonic() - started, "message_id": message.id if message else None,
                    "prompt_tokens": outcome.prompt_tokens, "completion_tokens": outcome.completion_tokens,
                    "finish_reason": ending, "tool_calls": calls})

        if self.reply and message is not None:
            await ctx.out.stream(message.platform, message.chat_id, answer(), reply_to=message.id,
                                 idempotency_key=reply_key, priority=ctx.priority, as_written=self.stream)
        else:
            async for _chunk in answer():
                pass
        if conversation is None and (self.history or message is not None):
            await gateway.conversations.remember(scope, safe_prompt, "".join(raw_parts).strip())
        return "".join(shown_parts).strip()

    def _model(self, gateway: Any, ctx: RunContext) -> Any:
        if self.model:
            name = self.model.render(ctx.variables)
            model = gateway.models.get(name)
            if model is None:
                known = ", ".join(sorted(gateway.models)) or "none configured"
                raise ActionError(f"no model named '{name}' (models: {known})")
            return model
        if not gateway.models:
            raise ActionError("generate needs a model, and none is configured (llama_cpp or openai_compat)")
        return next(iter(gateway.models.values()))

    @staticmethod
    def _rendered(template: Template | None, schema: vol.Schema, ctx: RunContext, option: str) -> Any:
        """A template option rendered to its value and checked, or None when the step has none."""
        if template is None:
            return None
        try:
            return schema(template.render_native(ctx.variables))
        except vol.Invalid as err:
            raise ActionError(f"generate {option}: {err}") from None

    async def _knowledge(self, ctx: RunContext, prompt: str) -> tuple[str, list[str]]:
        """The knowledge for the prompt, and the documents it comes from when the step shows its sources."""
        provider = ctx.gateway.knowledge
        if not self.knowledge or provider is None:
            return "", []
        query = self.knowledge.render(ctx.variables) if isinstance(self.knowledge, Template) else prompt
        if self.sources and hasattr(provider, "cited_context"):
            text, sources = await provider.cited_context(prompt, query, self.top_k)
            return text, list(sources)
        return await provider.context(prompt, query, self.top_k), []


def _cited(names: list[str]) -> str:
    """The line naming the documents, each as Markdown code (a backtick in a name becomes an apostrophe)."""
    return SOURCES.format(sources=", ".join("`" + name.replace("`", "'") + "`" for name in names))


def _first(value: Any, default: Any) -> Any:
    return default if value is None else value


def generate_action_type() -> ActionType:
    """The generate action type."""
    return ActionType("generate", GENERATE_SCHEMA, GenerateStep)
