"""POST /v1/chat/completions and GET /v1/models: each request becomes a durable message of platform ``openai``.

The request is checked, stored as a message (its conversation and settings in ``raw``) with the
runs it starts, and answered with what those runs reply to it: streamed as it is written, or
whole once every run finished.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from aiohttp import web

from core.automation.trace import Trace
from core.errors import ContextTooLong, TransientError
from core.message import Message
from integrations.http.server import TOKEN
from integrations.openai_api.channel import PLATFORM, Exchange, OpenAIChannel
from integrations.openai_api.protocol import (
    DONE,
    ROUTE_MODEL,
    ApiError,
    BadRequest,
    ChatRequest,
    chunk,
    completion,
    event,
    model_list,
    parse_request,
    tool_call_deltas,
    usage_chunk,
)

_LOGGER = logging.getLogger(__name__)
CONVERSATION_HEADER = "X-Roost-Conversation"


class OpenAIViews:
    """The API's two routes over the gateway and the openai channel."""

    def __init__(self, gateway: Any, channel: OpenAIChannel, config: dict[str, Any]) -> None:
        self.gateway = gateway
        self.channel = channel
        self.config = config
        self.started = int(time.time())

    async def models(self, http: web.Request) -> web.StreamResponse:
        """GET /v1/models: each model backend by name, and ``roost`` (the automations decide)."""
        return web.json_response(model_list(self._names(), self.started))

    async def model(self, http: web.Request) -> web.StreamResponse:
        """GET /v1/models/{model}: one model, or 404."""
        name = http.match_info["model"]
        if name not in self._names():
            return _unknown_model(name).response()
        return web.json_response(model_list([name], self.started)["data"][0])

    def _names(self) -> list[str]:
        return [*self.gateway.models, ROUTE_MODEL]

    async def completions(self, http: web.Request) -> web.StreamResponse:
        """POST /v1/chat/completions."""
        try:
            request = parse_request(await http.read())
        except BadRequest as err:
            return ApiError(400, str(err), param=err.param).response()
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal.response()
        if len(self.channel.exchanges) >= self.config["max_pending"]:
            retry = self.config["retry_after"]
            return ApiError(429, f"{len(self.channel.exchanges)} requests wait for an answer already;"
                                 f" try again in {retry:g} s", code="queue_full", retry_after=retry).response()
        token = http.get(TOKEN)
        sender = getattr(token, "name", None) or "local"
        chat_id = request.user or http.headers.get(CONVERSATION_HEADER) or sender
        message = Message.create(PLATFORM, chat_id, sender, request.text, bot_names=self.gateway.bot_names,
                                 raw=request.payload())
        exchange = Exchange(request, http)
        self.channel.exchanges[message.id] = exchange
        try:
            return await self._answer(message, exchange)
        finally:
            del self.channel.exchanges[message.id]

    def _refusal(self, request: ChatRequest) -> ApiError | None:
        """The error for a model that cannot take this request, or None."""
        if request.model == ROUTE_MODEL:
            return None
        if not self.gateway.models:
            return ApiError(503, "no model is loaded (configure llama_cpp or openai_compat)", code="no_model",
                            retry_after=30)
        model = self.gateway.models.get(request.model)
        if model is None:
            return _unknown_model(request.model)
        if request.uses_tools and not model.accepts_tools:
            return ApiError(400, f"model '{request.model}' cannot use tools; ask an openai_compat model",
                            param="tools", code="tools_not_supported")
        return None

    async def _answer(self, message: Message, exchange: Exchange) -> web.StreamResponse:
        request = exchange.request
        error: ApiError | None = None
        try:
            traces = await self.channel.ingest_and_wait(message, self.config["response_timeout"])
        except TransientError as err:
            error = ApiError(503, str(err), retry_after=5)
        except TimeoutError:
            error = ApiError(504, f"no answer within {self.config['response_timeout']:g} s"
                                  " (openai_api: response_timeout)", code="timeout")
        else:
            failed = [t for t in traces if t.status == "failed"]
            if failed and not exchange.gone:
                error = _failure(failed[0])
            elif not traces and not exchange.replies:
                error = ApiError(400, f"no automation answers this request (model '{ROUTE_MODEL}' goes only"
                                      " through your automations for platform openai)",
                                 param="model", code="no_automation")
        if not request.stream:
            if error is not None:
                return error.response()
            return web.json_response(completion(request, "".join(exchange.parts), exchange.finish_reason,
                                                exchange.usage, exchange.tool_calls))
        return await self._finish_stream(exchange, error)

    async def _finish_stream(self, exchange: Exchange, error: ApiError | None) -> web.StreamResponse:
        if exchange.stream is None:
            if error is not None:
                return error.response()  # nothing was streamed yet: a plain error status
            await exchange.open()
        stream = exchange.stream
        assert stream is not None
        request = exchange.request
        try:
            if error is not None:
                await stream.write(event(error.body()))
            else:
                if exchange.tool_calls:
                    await stream.write(chunk(request, tool_call_deltas(exchange.tool_calls)))
                await stream.write(chunk(request, {}, exchange.finish_reason))
                if request.include_usage:
                    await stream.write(usage_chunk(request, exchange.usage))
            await stream.write(DONE)
            await stream.write_eof()
        except ConnectionResetError:
            _LOGGER.debug("The client of %s left before the end of its stream", request.id)
        return stream


def _unknown_model(name: str) -> ApiError:
    return ApiError(404, f"The model '{name}' does not exist; GET /v1/models lists what can be asked for",
                    param="model", code="model_not_found")


def _failure(trace: Trace) -> ApiError:
    """The error answer for a run that failed: the request's own fault (a prompt longer than the model's context) is
    a 400 with OpenAI's code, so a client can shorten it and ask again; the rest are Roost's, 500."""
    if trace.error_code == ContextTooLong.code:
        return ApiError(400, (trace.error or "").removeprefix(f"{ContextTooLong.__name__}: "), param="messages",
                        code=ContextTooLong.code)
    return ApiError(500, f"the answer failed: {trace.error}", code="run_failed")
