"""`roost model fetch URL`: a GGUF file from a web address (a Hugging Face file's page or download link), resumed
where an interrupted download stopped, checked to be a GGUF (and by its sha256 when given) before it is kept.

Read with urllib, Python's own HTTP client (redirects, TLS, proxies from the environment): a download in a
command-line tool needs no event loop. HF_TOKEN, when set, is sent to huggingface.co only, and never after a
redirect (Hugging Face sends the file itself from another host).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from core.meter import Meter, megabytes
from integrations.llama_cpp.modelfetch import GGUF_MAGIC, ModelFetchError, file_sha256

TIMEOUT_SECONDS = 30
"""How long a connection may stay silent before the download stops (what came is kept, to go on from)."""
_CHUNK = 1 << 20
_HF_PAGE = re.compile(r"^(https://huggingface\.co/[^/]+/[^/]+)/blob/(.+)$")
_HF_HOSTS = ("huggingface.co", "www.huggingface.co")
_AGAIN = "run the same command again to go on from there"


def download_address(url: str) -> str:
    """The address to download: a Hugging Face file's page (.../blob/main/F.gguf) becomes its download link."""
    page = _HF_PAGE.match(url)
    return f"{page.group(1)}/resolve/{page.group(2)}" if page else url


def model_file_name(url: str) -> str:
    """The file name a model's address ends in (ModelFetchError unless it is a .gguf file's)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ModelFetchError(f"{url} is not a web address (expected https://...)")
    name = unquote(parts.path.rsplit("/", 1)[-1])
    if not name.lower().endswith(".gguf") or name.startswith(".") or "/" in name:
        raise ModelFetchError(f"{url} does not name a .gguf file: give the address of the file itself (on Hugging"
                              " Face, the link of a file ending in .gguf under 'Files and versions')")
    return name


def download_model(url: str, dest_dir: Path, *, sha256: str | None = None, progress: bool = True) -> Path:
    """Download the GGUF file at url into dest_dir (going on from its .part file when one is there); return it."""
    url = download_address(url)
    dest = dest_dir / model_file_name(url)
    part = dest.with_name(f"{dest.name}.part")
    dest_dir.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "roost", "Accept-Encoding": "identity"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    if (token := os.environ.get("HF_TOKEN")) and urlsplit(url).hostname in _HF_HOSTS:
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)  # noqa: S310 (http(s) checked above)
    except urllib.error.HTTPError as err:
        if err.code != 416 or not have:  # 416: nothing after the part's end, so the part is whole
            raise ModelFetchError(_refused(url, err.code, have)) from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise ModelFetchError(f"could not reach {urlsplit(url).netloc}: {reason}"
                              + (f"; the {megabytes(have)} downloaded so far are kept: {_AGAIN}" if have else "")
                              ) from None
    else:
        with response:
            _receive(response, part, have, dest.name, progress)
    _check(part, sha256)
    os.replace(part, dest)
    return dest


def _refused(url: str, status: int, have: int) -> str:
    said = f"{urlsplit(url).netloc} answered HTTP {status}"
    if status in (401, 403):
        return (f"{said}: the file is not public. A gated model on Hugging Face asks you to accept its terms on its"
                " page and to set HF_TOKEN to an access token of yours")
    if status == 404:
        return f"{said}: no file at {url}"
    kept = f"; the {megabytes(have)} downloaded so far are kept" if have else ""
    return f"{said}: try again later{kept}"


def _receive(response: http.client.HTTPResponse, part: Path, have: int, label: str, progress: bool) -> None:
    """Write the response's body to the part file (after what it holds, when the server sent the rest)."""
    if (response.headers.get_content_type() or "").startswith("text/html"):
        raise ModelFetchError(f"{response.url} is a web page, not a model file: on Hugging Face, give the link of"
                              " the .gguf file itself")
    start = have if response.status == 206 else 0  # a server that does not go on from a point sends it all
    length = response.headers.get("Content-Length")
    total = start + int(length) if length and length.isdigit() else 0
    free = shutil.disk_usage(part.parent).free
    if total and total - start > free:
        raise ModelFetchError(f"{label} takes {megabytes(total - start)} more and {part.parent} has"
                              f" {megabytes(free)} free: make room, or fetch it onto another disk")
    meter = Meter(label, total, show=megabytes, enabled=progress)
    done = start
    try:
        with open(part, "r+b" if start else "wb") as out:
            out.seek(start)
            out.truncate()
            while block := response.read(_CHUNK):
                if done == 0 and not block.startswith(GGUF_MAGIC[:len(block)]):
                    raise ModelFetchError(f"{response.url} is not a GGUF model file (it begins"
                                          f" {block[:16]!r}); nothing was kept")
                out.write(block)
                done += len(block)
                meter.update(done)
            out.flush()
            os.fsync(out.fileno())
    except ModelFetchError:
        part.unlink(missing_ok=True)
        raise
    except (OSError, http.client.HTTPException) as err:  # the connection ended, or timed out
        meter.finish()
        raise ModelFetchError(f"the download of {label} stopped at {megabytes(done)} of"
                              f" {megabytes(total) if total else 'an unknown size'} ({type(err).__name__}: {err}):"
                              f" {_AGAIN}") from None
    meter.finish()
    if total and done < total:
        raise ModelFetchError(f"the download of {label} stopped at {megabytes(done)} of {megabytes(total)}"
                              f" (the server ended the connection): {_AGAIN}")


def _check(part: Path, sha256: str | None) -> None:
    """The whole file is a GGUF, with the sha256 asked for (else it is removed: starting over is all that helps)."""
    with open(part, "rb") as file:
        magic = file.read(len(GGUF_MAGIC))
    if magic != GGUF_MAGIC:
        part.unlink()
        raise ModelFetchError(f"{part.name[:-5]} is not a GGUF model file (it begins {magic!r}); nothing was kept")
    if sha256 and (actual := file_sha256(part)) != sha256.lower():
        part.unlink()
        raise ModelFetchError(f"{part.name[:-5]} has the sha256 {actual}, not {sha256.lower()}: it was not kept")
