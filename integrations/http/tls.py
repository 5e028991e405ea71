"""The TLS certificate Roost serves: loaded at start, served anew once its files change (a renewal by certbot or
acme.sh) without a restart, and its expiry told by `roost doctor`."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import ssl
from collections.abc import Callable
from pathlib import Path

_LOGGER = logging.getLogger(__name__)
CHECK_SECONDS = 60.0
"""How often the certificate's files are read for a renewal (two small files; renewals come weeks before expiry)."""


def server_context(certificate: str, key: str | None) -> ssl.SSLContext:
    """A server's TLS context with the certificate (and its key, when not in the same file); ssl.SSLError or OSError
    when they do not load."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    return context


def valid_until(certificate: str) -> dt.datetime:
    """When the (first) certificate in a PEM file expires (ValueError when it holds none that reads)."""
    # Read only by the doctor and at a renewal: a server that starts never parses its certificate.
    from cryptography import x509

    return x509.load_pem_x509_certificate(Path(certificate).read_bytes()).not_valid_after_utc


class CertificateRenewal:
    """Watches the certificate's files; once they change and load, the next handshakes use them."""

    def __init__(self, certificate: str, key: str | None, use: Callable[[ssl.SSLContext], None]) -> None:
        self._files = (certificate, key)
        self._use = use
        self._served = _digest(self._files)
        self._refused: str | None = None

    async def watch(self) -> None:
        """Look every CHECK_SECONDS until cancelled."""
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            await self.check()

    async def check(self) -> bool:
        """Serve the files if they changed and load; whether they were taken."""
        digest = await asyncio.to_thread(_digest, self._files)
        if digest in (self._served, self._refused):
            return False
        try:
            context, until = await asyncio.to_thread(_load, *self._files)
        except (ssl.SSLError, OSError) as err:  # halfway through a renewal, say: the next change is tried again
            self._refused = digest
            _LOGGER.warning("The TLS certificate's files changed but do not load as a certificate and its key (%s);"
                            " Roost serves the one it loaded before", getattr(err, "reason", None) or err)
            return False
        self._use(context)
        self._served = digest
        _LOGGER.info("Serving the renewed TLS certificate %s%s", self._files[0], until)
        return True


def _load(certificate: str, key: str | None) -> tuple[ssl.SSLContext, str]:
    context = server_context(certificate, key)
    try:
        return context, f", valid until {valid_until(certificate):%Y-%m-%d %H:%M} UTC"
    except (ValueError, OSError):
        return context, ""


def _digest(files: tuple[str, str | None]) -> str:
    """What the files hold now (a renewal may keep their size, and their time within the clock's step)."""
    digest = hashlib.sha256()
    for file in files:
        if file is not None:
            try:
                digest.update(Path(file).read_bytes())
            except OSError as err:  # replaced as it is read: a digest of its own, tried as a change
                digest.update(str(err).encode())
    return digest.hexdigest()
