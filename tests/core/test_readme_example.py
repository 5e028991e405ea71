"""The README's example channel (an echo bot over a local socket) works as it is printed."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def example_files() -> dict[str, str]:
    """The README's code blocks whose first line names a file of the example, by that name."""
    files = {}
    for block in re.findall(r"```(?:json|python|yaml)\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        first, _, body = block.partition("\n")
        name = re.fullmatch(r"(?://|#) ((?:integrations/linechat/[\w.]+)|configuration\.yaml)", first.strip())
        if name:
            files[name.group(1)] = body
    return files


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_the_example_channel_echoes_a_line(tmp_path: Path, make_gateway) -> None:
    files = example_files()
    assert set(files) == {"integrations/linechat/manifest.json", "integrations/linechat/__init__.py",
                          "configuration.yaml"}
    port = _free_port()
    for name, body in files.items():
        path = tmp_path / "config" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body.replace("8766", str(port)), encoding="utf-8")
    gateway = await make_gateway(tmp_path / "config")
    assert gateway.integrations["linechat"].status == "loaded", gateway.integrations["linechat"].reason
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"hello roost\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
        await writer.wait_closed()
    assert answer == b"echo: hello roost\n"

