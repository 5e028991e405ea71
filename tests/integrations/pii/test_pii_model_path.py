"""The model path end to end: a recording backend sees no raw PII, the user sees the originals."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from core.model import ChatTurn, ModelBackend, ModelRequest
from integrations.pii.engine import PiiSanitizer

RAW = ["Anna Schmidt", "11010519491231002X", "13812345678", "alice@example.com", "6222 0212 3456 7890 123"]


class RecordingBackend:
    """Records every request and answers by repeating the placeholders it was given, in pieces."""

    name = "recording"
    accepts_tools = False

    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []

    async def stream(self, request: ModelRequest) -> AsyncIterator[str]:
        """Record the request; answer with its placeholders in three-character chunks."""
        self.requests.append(request)
        seen = re.findall(r"\[[A-Z_]+_\d+\]", request.messages[-1].content)
        answer = "已记录：" + "、".join(seen) + "。另有 [PHONE_7] 不在表里。"
        for i in range(0, len(answer), 3):  # split mid-placeholder on purpose
            yield answer[i : i + 3]

    async def close(self) -> None:
        """Nothing to release."""
        return None


async def test_model_gets_placeholders_and_user_gets_values(sanitizer: PiiSanitizer) -> None:
    backend = RecordingBackend()
    assert isinstance(backend, ModelBackend)
    scope = "telegram:42"
    history = [
        ChatTurn("user", "我的手机 13812345678，邮箱 alice@example.com"),
        ChatTurn("assistant", "好的"),
        ChatTurn(
            "user",
            "My name is Anna Schmidt. 身份证 11010519491231002X，银行卡号 6222 0212 3456 7890 123，手机还是 138-1234-5678",
        ),
    ]
    prompt = tuple([ChatTurn(t.role, await sanitizer.sanitize(t.content, scope)) for t in history])
    request = ModelRequest(messages=prompt)

    restorer = await sanitizer.restorer(scope)
    shown = (
        "".join([restorer.feed(chunk) async for chunk in backend.stream(request)])
        + restorer.flush()
    )

    sent = "\n".join(turn.content for r in backend.requests for turn in r.messages)
    for raw in RAW:
        assert raw not in sent, raw
    assert "[PHONE_1]" in prompt[0].content and prompt[2].content.endswith("手机还是 [PHONE_1]")
    assert shown == (
        "已记录：Anna Schmidt、11010519491231002X、6222 0212 3456 7890 123、13812345678。另有 [PHONE_7] 不在表里。"
    )
