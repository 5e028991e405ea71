"""Continuous batching: concurrent requests share one llama.cpp context, one sequence (a slot) each.

Runs on the model's thread (``worker.LlamaWorker``), between its other jobs. Each step decodes one
token of every answering slot and, in the same ``llama_decode``, the prompt of every newcomer (up to
``n_batch`` tokens a step). A request waits in order for a free slot; a finished or cancelled one
frees its slot at once. Each slot keeps its own KV cells (``kv_unified`` off: with one shared
buffer outputs diverged from one-at-a-time outputs after 0-49 tokens); a slot keeps the cells of
its last prompt, so a request whose prompt starts the same (a long system prompt, knowledge
passages) skips that part, and a newcomer takes the free slot whose cells it shares most with.

Sampling follows llama-cpp-python's high-level API (greedy at temperature 0; else top-k 40,
typical 1.0, top-p, min-p 0.05, temperature, seeded draw), so answers match one-at-a-time ones.
"""

from __future__ import annotations

import codecs
import ctypes
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import llama_cpp

from core.errors import ContextTooLong, ModelError
from core.model import Outcome

_LOGGER = logging.getLogger(__name__)
N_BATCH = 512
KV_TYPES = {"f16": llama_cpp.GGML_TYPE_F16, "q8_0": llama_cpp.GGML_TYPE_Q8_0}
KV_BYTES_PER_VALUE = {"f16": 2.0, "q8_0": 34 / 32}  # q8_0: 32 values in 34 bytes


@dataclass(slots=True)
class BatchRequest:
    """One answer to produce: prompt tokens, limits and sampling, where its text goes."""

    tokens: list[int]
    max_tokens: int
    temperature: float
    stop: list[str]
    outcome: Outcome
    send: Callable[[str], bool]
    """Hands a piece of text to the request; False when its consumer is gone."""
    finish: Callable[[BaseException | None], None]
    """Ends the request (with an error, or None)."""
    cancelled: Callable[[], bool]
    top_p: float | None = None
    seed: int | None = None


@dataclass(slots=True)
class _Slot:
    seq: int
    cached: list[int] = field(default_factory=list)
    """The tokens whose KV cells this sequence holds, in order."""
    request: BatchRequest | None = None
    todo: list[int] = field(default_factory=list)
    """Prompt tokens still to decode."""
    next_token: int | None = None
    produced: int = 0
    text: str = ""
    emitted: int = 0
    sampler: Any = None
    decoder: Any = None


def kv_bytes_per_cell(model: Any, kv_type: str) -> float:
    """KV cache bytes of one cell (one token position) of this model."""
    layers = llama_cpp.llama_model_n_layer(model)
    embd = llama_cpp.llama_model_n_embd(model)
    heads, heads_kv = llama_cpp.llama_model_n_head(model), llama_cpp.llama_model_n_head_kv(model)
    return layers * 2 * (embd // max(heads, 1)) * heads_kv * KV_BYTES_PER_VALUE[kv_type]


def memory_available() -> int | None:
    """Bytes of memory this process may still take: MemAvailable, or less under a cgroup limit; None if unknown."""
    found: list[int] = []
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            found += [int(line.split()[1]) * 1024 for line in info if line.startswith("MemAvailable:")]
    except (OSError, ValueError):
        pass
    try:
        limit = open("/sys/fs/cgroup/memory.max", encoding="ascii").read().strip()
        used = int(open("/sys/fs/cgroup/memory.current", encoding="ascii").read())
        if limit != "max":
            found.append(int(limit) - used)
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def kv_cache_bytes(path: str, n_ctx: int, kv_type: str) -> float:
    """KV cache bytes of one slot of n_ctx tokens of the model at path (its shape read from the file)."""
    params = llama_cpp.llama_model_default_params()
    model = llama_cpp.llama_model_load_from_file(path.encode(), params)  # mapped, not read: ~0.1 s
    if not model:
        raise ModelError(f"llama.cpp could not read {path}")
    try:
        return kv_bytes_per_cell(model, kv_type) * n_ctx
    finally:
        llama_cpp.llama_model_free(model)


class Batcher:
    """Slots over one llama.cpp context; admit() requests, step() while busy."""

    def __init__(self, llm: Any, *, slots: int, n_ctx: int, kv_type: str, n_threads: int) -> None:
        self._model = llm._model.model
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        self.n_ctx = n_ctx
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = slots * n_ctx
        params.n_batch = params.n_ubatch = N_BATCH
        params.n_seq_max = slots
        params.kv_unified = False
        params.n_threads = params.n_threads_batch = n_threads
        params.type_k = params.type_v = KV_TYPES[kv_type]
        # As the high-level Llama (so answers are the same): no flash attention, except that
        # llama.cpp needs it for a quantized V cache.
        params.flash_attn_type = (llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED if kv_type == "f16"
                                  else llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED)
        self._ctx = llama_cpp.llama_init_from_model(self._model, params)
        if not self._ctx:
            raise ModelError(f"llama.cpp could not make a context of {slots} slots x {n_ctx} tokens ({kv_type})")
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(N_BATCH, 0, 1)
        self._slots = [_Slot(seq) for seq in range(slots)]
        self._waiting: deque[BatchRequest] = deque()
        self._piece = ctypes.create_string_buffer(256)

    @property
    def busy(self) -> bool:
        """Whether a request is answering or waiting."""
        return bool(self._waiting) or any(slot.request is not None for slot in self._slots)

    def admit(self, request: BatchRequest) -> None:
        """Queue a request; it starts at the next step with a free slot."""
        if len(request.tokens) + 1 > self.n_ctx:
            request.finish(ContextTooLong(f"prompt of {len(request.tokens)} tokens does not fit a slot of"
                                      f" {self.n_ctx} (n_ctx)"))
            return
        self._waiting.append(request)

    def step(self) -> None:
        """Start waiting requests in free slots, decode one batch, hand out the new tokens."""
        self._drop_cancelled()
        self._fill_slots()
        batch = self._batch
        batch.n_tokens = 0
        sampled: list[tuple[_Slot, int]] = []
        for slot in self._slots:  # answering slots first: one token each
            if slot.request is not None and slot.next_token is not None:
                sampled.append((slot, self._add(slot, slot.next_token, logits=True)))
                slot.next_token = None
        for slot in self._slots:  # then prompts, as far as the batch has room
            if slot.request is None or not slot.todo:
                continue
            room = N_BATCH - batch.n_tokens
            if room <= 0:
                break
            part, slot.todo = slot.todo[:room], slot.todo[room:]
            for i, token in enumerate(part):
                index = self._add(slot, token, logits=not slot.todo and i == len(part) - 1)
            if not slot.todo:
                sampled.append((slot, index))
        if batch.n_tokens == 0:
            return
        status = llama_cpp.llama_decode(self._ctx, batch)
        if status != 0:
            self._fail_all(ModelError(f"llama_decode failed ({status}) for {batch.n_tokens} tokens"))
            return
        for slot, index in sampled:
            self._take(slot, llama_cpp.llama_sampler_sample(slot.sampler, self._ctx, index))

    def close(self) -> None:
        """Fail what is left and free the context."""
        self._fail_all(ModelError("the model is closing"))
        llama_cpp.llama_batch_free(self._batch)
        llama_cpp.llama_free(self._ctx)

    # -- slots ------------------------------------------------------------------------------

    def _fill_slots(self) -> None:
        while self._waiting:
            free = [slot for slot in self._slots if slot.request is None]
            if not free:
                return
            request = self._waiting.popleft()
            slot = max(free, key=lambda s: _common(s.cached, request.tokens))
            keep = min(_common(slot.cached, request.tokens), len(request.tokens) - 1)
            llama_cpp.llama_memory_seq_rm(self._memory, slot.seq, keep, -1)
            del slot.cached[keep:]
            slot.request, slot.todo, slot.next_token = request, request.tokens[keep:], None
            slot.produced, slot.text, slot.emitted = 0, "", 0
            slot.sampler = _sampler(request)
            slot.decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
            request.outcome.prompt_tokens = len(request.tokens)

    def _add(self, slot: _Slot, token: int, *, logits: bool) -> int:
        batch, i = self._batch, self._batch.n_tokens
        batch.token[i] = token
        batch.pos[i] = len(slot.cached)
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = slot.seq
        batch.logits[i] = logits
        batch.n_tokens = i + 1
        slot.cached.append(token)
        return i

    def _take(self, slot: _Slot, token: int) -> None:
        request = slot.request
        assert request is not None
        if llama_cpp.llama_vocab_is_eog(self._vocab, token):
            self._end(slot, "stop")
            return
        slot.produced += 1
        request.outcome.completion_tokens = slot.produced
        size = llama_cpp.llama_token_to_piece(self._vocab, token, self._piece, len(self._piece), 0, False)
        slot.text += slot.decoder.decode(self._piece.raw[:max(size, 0)])
        stop_at = min((i for i in (slot.text.find(s, max(0, slot.emitted - len(s))) for s in request.stop if s)
                       if i >= 0), default=-1)
        if stop_at >= 0:
            self._emit(slot, stop_at)
            self._end(slot, "stop")
            return
        if not self._emit(slot, len(slot.text) - _held(slot.text, request.stop)):
            self._end(slot, None)
        elif slot.produced >= request.max_tokens or len(slot.cached) + 1 >= self.n_ctx:
            self._emit(slot, len(slot.text))
            self._end(slot, "length")
        else:
            slot.next_token = token

    def _emit(self, slot: _Slot, upto: int) -> bool:
        assert slot.request is not None
        if upto > slot.emitted:
            piece, slot.emitted = slot.text[slot.emitted:upto], upto
            return slot.request.send(piece)
        return True

    def _end(self, slot: _Slot, finish_reason: str | None, error: BaseException | None = None) -> None:
        request = slot.request
        assert request is not None
        if finish_reason is not None:
            request.outcome.finish_reason = finish_reason
        llama_cpp.llama_sampler_free(slot.sampler)
        slot.request, slot.sampler, slot.todo, slot.next_token = None, None, [], None
        request.finish(error)

    def _drop_cancelled(self) -> None:
        for slot in self._slots:
            if slot.request is not None and slot.request.cancelled():
                slot.todo = []  # cells of a prompt left half-decoded stay valid for reuse
                self._end(slot, None)
        for request in [r for r in self._waiting if r.cancelled()]:
            self._waiting.remove(request)
            request.finish(None)

    def _fail_all(self, error: BaseException) -> None:
        for slot in self._slots:
            if slot.request is not None:
                llama_cpp.llama_memory_seq_rm(self._memory, slot.seq, -1, -1)
                slot.cached.clear()
                self._end(slot, None, error)
        while self._waiting:
            self._waiting.popleft().finish(error)


def _sampler(request: BatchRequest) -> Any:
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    if request.temperature <= 0:
        llama_cpp.llama_sampler_chain_add(chain, llama_cpp.llama_sampler_init_greedy())
        return chain
    for sampler in (llama_cpp.llama_sampler_init_top_k(40), llama_cpp.llama_sampler_init_typical(1.0, 1),
                    llama_cpp.llama_sampler_init_top_p(0.95 if request.top_p is None else request.top_p, 1),
                    llama_cpp.llama_sampler_init_min_p(0.05, 1), llama_cpp.llama_sampler_init_temp(request.temperature),
                    llama_cpp.llama_sampler_init_dist(llama_cpp.LLAMA_DEFAULT_SEED if request.seed is None
                                                      else request.seed & 0xFFFFFFFF)):
        llama_cpp.llama_sampler_chain_add(chain, sampler)
    return chain


def _common(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _held(text: str, stops: list[str]) -> int:
    """How many characters at the end of text may still become a stop string (not sent yet)."""
    return max((k for s in stops for k in range(len(s) - 1, 0, -1) if text.endswith(s[:k])), default=0)
