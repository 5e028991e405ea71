"""The llama_cpp model backend: a GGUF file served by one LlamaWorker, streamed to the core.

Prompt prefix reuse: llama-cpp-python 0.3.x keeps the KV cache of the previous call on a
Llama object and evaluates only the tokens after the longest common prefix of the new prompt.
Since every call of a model runs on one object, in order, a chat's follow-up only evaluates
what is new (measured: first token 0.05 s instead of 1.9 s for a 550-token system prompt plus
history), and chats with the same system prompt share that part. LlamaRAMCache is not used:
it saves the whole state after every call (0.25 s and 12.7 MB at n_ctx 2048), which costs
more than it saves unless many chats interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from core.errors import ModelError
from core.model import ChatTurn, ModelRequest
from integrations.llama_cpp.modelfetch import GGUF_MAGIC

from .budget import fit_messages
from .config import resolve_model_path
from .loads import UnfinishedLoads
from .logs import LLAMA_LOG, route_llama_logs
from .worker import LlamaWorker

__all__ = ["LlamaCppBackend", "check_gguf", "prompt_counter"]

OWN_CONTEXT = 512
"""Tokens of the Llama object's own context when a batcher answers (it then only tokenizes)."""
MEMORY_SHARE = 0.8
"""The share of the memory available at load the slots' KV cache may take."""
_LOGGER = logging.getLogger(__name__)

# When the prompt cannot be rendered exactly (a named chat_format override), each turn is
# counted as its content plus this many tokens of template markup.
_TURN_OVERHEAD = 8


def check_gguf(path: Path, name: str) -> None:
    """Raise ModelError unless path is a readable file that starts with the GGUF magic."""
    if not path.exists():
        raise ModelError(
            f"model '{name}': file not found: {path}"
            " (run `roost model fetch` for the bundled model, or fix `path` in the llama_cpp config)",
            advice=f"I cannot answer yet: the model '{name}' is not downloaded. Get the bundled one with"
                   " `roost model fetch` (then ask again), or point `path` in the llama_cpp configuration"
                   " at a model file you have.",
        )
    if not path.is_file():
        raise ModelError(f"model '{name}': {path} is not a file; expected a .gguf model file")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"model '{name}': cannot read {path}: {exc.strerror or exc}") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"model '{name}': {path} is not a GGUF model file"
            f" (it starts with {magic!r}, a GGUF file starts with {GGUF_MAGIC!r})"
        )


def _as_dicts(turns: Sequence[ChatTurn]) -> list[dict[str, str]]:
    return [{"role": t.role, "content": t.content} for t in turns]


Prompter = Callable[[Sequence[ChatTurn]], tuple[list[int], list[str]]]
"""Chat turns -> (prompt tokens, stop strings) exactly as create_chat_completion makes them."""


def chat_prompter(llm: Any, chat_format: str | None) -> Prompter | None:
    """The GGUF's own chat template as a Prompter; None with a named chat_format override."""
    template = None if chat_format else llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def token_text(token: int) -> str:
        if token < 0:
            return ""
        return llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    formatter = Jinja2ChatFormatter(
        template=template, eos_token=token_text(llm.token_eos()), bos_token=token_text(llm.token_bos()),
    )

    def prompt(turns: Sequence[ChatTurn]) -> tuple[list[int], list[str]]:
        result = formatter(messages=_as_dicts(turns))
        tokens = llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        stops = [result.stop] if isinstance(result.stop, str) else list(result.stop or [])
        return tokens, stops

    return prompt


def prompt_counter(llm: Any, prompter: Prompter | None) -> Callable[[Sequence[ChatTurn]], int]:
    """A function counting the prompt tokens of chat turns as this model will see them.

    With the GGUF's own template (prompter, from chat_prompter) the prompt is rendered exactly
    as create_chat_completion does; without one (a named chat_format override), contents are
    tokenized and a fixed markup allowance is added per turn.
    """
    if prompter is not None:
        return lambda turns: len(prompter(turns)[0])

    def count_estimated(turns: Sequence[ChatTurn]) -> int:
        total = _TURN_OVERHEAD
        for t in turns:
            total += len(llm.tokenize(t.content.encode("utf-8"), add_bos=False)) + _TURN_OVERHEAD
        return total

    return count_estimated


class LlamaCppBackend:
    """A local GGUF model: chat turns in, streamed text out, every call on the model's thread."""

    accepts_tools = False

    def __init__(
        self,
        config: Mapping[str, Any],
        config_dir: Path | str,
        *,
        llama_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.name: str = config["name"]
        self.config = dict(config)
        self.path = resolve_model_path(config["path"], config_dir)
        self._llama_options = dict(llama_options or {})
        self._count: Callable[[Sequence[ChatTurn]], int] | None = None
        self._prompter: Prompter | None = None
        self.parallel: int = config.get("parallel", 1) if not config.get("chat_format") else 1
        """How many answers it gives at once (the scheduler's model lane defaults to it)."""
        self.batched = self.parallel > 1
        """Concurrent requests are answered together (continuous batching; see batching.py)."""
        self._loads = UnfinishedLoads(Path(config_dir))
        self.worker = LlamaWorker(self.name, self._load, batcher=self._batcher if self.batched else None,
                                  guard=self._guarded)

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory now (the status page shows it)."""
        return self.worker.loaded

    # -- runs on the model thread -------------------------------------------------------------

    def _guarded(self) -> contextlib.AbstractContextManager[None]:
        check_gguf(self.path, self.name)
        return self._loads.guard(self.name, self.path, self.config)

    def _load(self) -> Any:
        from llama_cpp import Llama

        route_llama_logs()
        cfg = self.config
        try:
            # verbose=False would make llama-cpp-python dup2 /dev/null over the whole process's
            # stdout and stderr while it loads: replies and log lines of other threads vanished.
            # Loud instead, its C log goes to our logger (route_llama_logs) and its Python prints
            # to a buffer logged at debug level; no file descriptor is touched.
            with contextlib.redirect_stderr(io.StringIO()) as printed:
                llm = Llama(
                    model_path=str(self.path),
                    # batched, the Llama only tokenizes: its own context stays small
                    n_ctx=min(cfg["n_ctx"], OWN_CONTEXT) if self.batched else cfg["n_ctx"],
                    n_threads=cfg["n_threads"],
                    n_gpu_layers=cfg["n_gpu_layers"],
                    chat_format=cfg["chat_format"],
                    verbose=True,
                    **self._llama_options,
                )
            llm.verbose = False  # no prints per request from here on
            LLAMA_LOG.debug("%s", printed.getvalue().rstrip())
        except Exception as exc:  # noqa: BLE001 - llama reports load failures as ValueError
            raise ModelError(
                f"model '{self.name}': could not load {self.path}: {exc}"
                " (is it a complete GGUF file this llama.cpp build supports?)"
            ) from exc
        self._prompter = chat_prompter(llm, cfg["chat_format"])
        self._count = prompt_counter(llm, self._prompter)
        return llm

    def _batcher(self, llm: Any) -> Any:
        from .batching import Batcher, kv_bytes_per_cell, memory_available

        cfg = self.config
        if self._prompter is None:
            raise ModelError(f"model '{self.name}': {self.path.name} has no chat template of its own, which"
                             " answering several requests at once needs; set parallel: 1 (and chat_format)")
        per_slot = kv_bytes_per_cell(llm._model.model, cfg["kv_type"]) * cfg["n_ctx"]
        need, available = per_slot * cfg["parallel"], memory_available()
        if available is not None and need > available * MEMORY_SHARE:
            raise ModelError(
                f"model '{self.name}': parallel {cfg['parallel']} slots of {cfg['n_ctx']} tokens need"
                f" {need / 2**20:.0f} MiB of KV cache ({cfg['kv_type']}), but {available / 2**20:.0f} MiB"
                " of memory are available: lower parallel or n_ctx, or use kv_type: q8_0")
        _LOGGER.info("Model %s: %d slots of %d tokens, KV cache %.1f MiB a slot (%s), %.1f MiB in all",
                     self.name, cfg["parallel"], cfg["n_ctx"], per_slot / 2**20, cfg["kv_type"], need / 2**20)
        return Batcher(llm, slots=cfg["parallel"], n_ctx=cfg["n_ctx"], kv_type=cfg["kv_type"],
                       n_threads=cfg["n_threads"])

    def _counter(self, llm: Any) -> Callable[[Sequence[ChatTurn]], int]:
        if self._count is None:  # a Llama loaded by someone else's loader
            self._count = prompt_counter(llm, chat_prompter(llm, self.config["chat_format"]))
        return self._count

    # -- request shaping ----------------------------------------------------------------------

    def turns_for(self, request: ModelRequest) -> list[ChatTurn]:
        """The request's turns, with the configured system prompt first when it has none."""
        turns = list(request.messages)
        system_prompt = self.config.get("system_prompt")
        if system_prompt and not any(t.role == "system" for t in turns):
            turns.insert(0, ChatTurn("system", system_prompt))
        return turns

    def _settings(self, request: ModelRequest) -> tuple[int, float]:
        max_tokens = request.max_tokens if request.max_tokens is not None else self.config["max_tokens"]
        temperature = (
            request.temperature if request.temperature is not None else self.config["temperature"]
        )
        if max_tokens < 1:
            raise ModelError(f"max_tokens must be at least 1, got {max_tokens}")
        return max_tokens, temperature

    # -- the ModelBackend contract --------------------------------------------------------------

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """Yield the answer as it is generated; raises ModelError for this request only."""
        if request.tools:
            raise ModelError(f"model '{self.name}' (llama_cpp) cannot use tools")
        max_tokens, temperature = self._settings(request)
        turns = self.turns_for(request)
        n_ctx = self.config["n_ctx"]
        sampling: dict[str, Any] = {"stop": list(request.stop) or None}
        if request.top_p is not None:
            sampling["top_p"] = request.top_p
        if request.seed is not None:
            sampling["seed"] = request.seed
        outcome = request.outcome
        if self.batched and not self.worker.loaded:
            await self.worker.load()  # whether the batcher answers is known once the model is loaded
        if self.worker.batching:

            def prepare(llm: Any) -> dict[str, Any]:
                prompter = self._prompter
                assert prompter is not None
                rendered: dict[tuple[ChatTurn, ...], tuple[list[int], list[str]]] = {}

                def count(candidate: Sequence[ChatTurn]) -> int:
                    rendered[tuple(candidate)] = prompt = prompter(candidate)
                    return len(prompt[0])

                fitted = fit_messages(turns, n_ctx, max_tokens, count)
                # fitting rendered these turns already: they are not rendered and tokenized twice
                tokens, stops = rendered.get(tuple(fitted)) or prompter(fitted)
                return {"tokens": tokens, "max_tokens": max_tokens, "temperature": temperature,
                        "stop": [*request.stop, *stops], "outcome": outcome, "top_p": request.top_p,
                        "seed": request.seed}

            async for text in self.worker.stream(prepare, batched=True):
                yield text
            return

        def generate(llm: Any) -> Iterator[str]:
            counter = self._counter(llm)
            counted: dict[tuple[ChatTurn, ...], int] = {}

            def count(candidate: Sequence[ChatTurn]) -> int:
                counted[tuple(candidate)] = n = counter(candidate)
                return n

            fitted = fit_messages(turns, n_ctx, max_tokens, count)
            # fitting counted these turns already: a count after the answer cost 5-10 ms of its end
            outcome.prompt_tokens = counted.get(tuple(fitted)) or counter(fitted)
            chunks = llm.create_chat_completion(
                messages=_as_dicts(fitted), max_tokens=max_tokens, temperature=temperature, stream=True,
                **sampling,
            )
            try:
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content")
                    if text:
                        outcome.completion_tokens += 1  # one token per chunk while streaming
                        yield text
                    if choice.get("finish_reason"):
                        outcome.finish_reason = choice["finish_reason"]
            finally:
                chunks.close()

        async for text in self.worker.stream(generate):
            yield text

    async def fitted_turns(self, request: ModelRequest) -> list[ChatTurn]:
        """The turns that stream() would send for this request, after trimming to the context."""
        max_tokens, _ = self._settings(request)
        turns = self.turns_for(request)
        n_ctx = self.config["n_ctx"]
        return await self.worker.run(
            lambda llm: fit_messages(turns, n_ctx, max_tokens, self._counter(llm))
        )

    async def count_tokens(self, turns: Sequence[ChatTurn]) -> int:
        """Prompt tokens of these turns as this model formats them (loads the model if needed)."""
        frozen = list(turns)
        return await self.worker.run(lambda llm: self._counter(llm)(frozen))

    async def load(self) -> None:
        """Load the model now so the first request does not wait; raises ModelError."""
        await self.worker.load()

    async def close(self) -> None:
        """Stop the model thread and free the model."""
        await self.worker.close()
        if self.worker.is_alive():  # still loading, maybe: a stop is not a load that ended Roost
            await asyncio.to_thread(self._loads.forget, self.name)
