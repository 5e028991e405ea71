"""TLS: the http integration serves https and wss with a certificate and key, and refuses a pair that does not load."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import logging
import ssl
import time
from pathlib import Path

import aiohttp
import pytest
import voluptuous as vol
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.doctor import OK, PROBLEM, WARNING
from integrations.http import CONFIG_SCHEMA, _certificate_finding, limit, tls


def _self_signed(folder: Path, name: str, *, days: float = 1, file: str | None = None) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its common name `name`, valid for `days`) and its key, as PEM files named after
    file (else name)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
                   .not_valid_after(now + dt.timedelta(days=days))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / f"{file or name}.crt", folder / f"{file or name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


async def test_health_and_the_chat_socket_over_tls(serve, tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path, "roost")
    served = await serve(f"ssl_certificate: {cert}\nssl_key: {key}")
    trusted = ssl.create_default_context(cafile=str(cert))  # the hostname, 127.0.0.1, is checked too
    url = f"https://127.0.0.1:{served.server.port}"
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "/api/health", ssl=trusted) as answer:
            assert answer.status == 200 and (await answer.json())["status"] == "ok"
        async with session.ws_connect(f"{url}/api/chat?access_token={await served.token()}", ssl=trusted) as ws:
            await ws.send_str("over tls")
            assert await ws.receive_str(timeout=5) == "echo: over tls"
        with pytest.raises(aiohttp.ClientError):  # plain http to the TLS port gets no answer
            async with session.get(url.replace("https", "http") + "/api/health"):
                pass


def test_a_pair_that_does_not_load_is_refused_with_what_was_expected(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path, "roost")
    _other_cert, other_key = _self_signed(tmp_path, "other")
    assert CONFIG_SCHEMA({"ssl_certificate": str(cert), "ssl_key": str(key)})["ssl_certificate"] == str(cert)
    for pair, says in (({"ssl_certificate": str(key), "ssl_key": str(key)}, "a PEM certificate"),
                       ({"ssl_certificate": str(cert)}, "the key inside it"),
                       ({"ssl_certificate": str(cert), "ssl_key": str(other_key)}, "KEY_VALUES_MISMATCH"),
                       ({"ssl_key": str(key)}, "ssl_key needs ssl_certificate")):
        with pytest.raises(vol.Invalid, match=says):
            CONFIG_SCHEMA(pair)


async def test_tls_handshakes_count_against_the_bound_and_end_in_time(serve, tmp_path: Path, monkeypatch) -> None:
    # Connections that never send a ClientHello hold a descriptor each: asyncio waited 60 s for one, uncounted,
    # so a flood of them took every descriptor (and asyncio logged each refused accept).
    monkeypatch.setattr(limit, "HANDSHAKE_SECONDS", 1.0)
    cert, key = _self_signed(tmp_path, "roost")
    served = await serve(f"ssl_certificate: {cert}\nssl_key: {key}\nmax_connections: 10")
    trusted = ssl.create_default_context(cafile=str(cert))
    url = f"https://127.0.0.1:{served.server.port}/api/health"
    port = served.server.port
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(10)]
    await asyncio.sleep(0.2)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientError):  # beyond the bound: closed before any handshake
            async with session.get(url, ssl=trusted):
                pass
        ended = await asyncio.wait_for(asyncio.gather(*(reader.read() for reader, _ in idle)), 5)
        assert ended == [b""] * 10, "the server closes a handshake not made in HANDSHAKE_SECONDS"
        async with session.get(url, ssl=trusted) as answer:
            assert answer.status == 200
    for _reader, writer in idle:
        writer.close()


async def _served_name(port: int, trusted: ssl.SSLContext) -> str:
    """The common name of the certificate a new connection is served."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=trusted)
    subject = dict(pair[0] for pair in writer.get_extra_info("peercert")["subject"])
    writer.close()
    return subject["commonName"]


async def test_a_renewed_certificate_is_served_without_a_restart(serve, tmp_path: Path, monkeypatch,
                                                                 caplog) -> None:
    monkeypatch.setattr(tls, "CHECK_SECONDS", 0.1)
    caplog.set_level(logging.INFO, logger="integrations.http.tls")
    cert, key = _self_signed(tmp_path, "first", file="live")
    trusted = ssl.create_default_context(cafile=str(cert))
    served = await serve(f"ssl_certificate: {cert}\nssl_key: {key}")
    port = served.server.port
    assert await _served_name(port, trusted) == "first"
    renewed = tmp_path / "renewed"
    renewed.mkdir()
    new_cert, new_key = _self_signed(renewed, "second", days=90)
    trusted.load_verify_locations(cafile=str(new_cert))
    key.write_bytes(new_key.read_bytes())  # as certbot's deploy hook copies them: one file, then the other
    cert.write_bytes(new_cert.read_bytes())
    async with asyncio.timeout(5):
        while await _served_name(port, trusted) != "second":
            await asyncio.sleep(0.05)
    assert f"Serving the renewed TLS certificate {cert}, valid until" in caplog.text

    _other_cert, other_key = _self_signed(renewed, "third")
    key.write_bytes(other_key.read_bytes())  # a key that is not the certificate's
    async with asyncio.timeout(5):
        while "do not load as a certificate and its key" not in caplog.text:
            await asyncio.sleep(0.05)
    assert await _served_name(port, trusted) == "second"  # what was served goes on
    assert caplog.text.count("do not load") == 1, "a pair that does not load is said once, not at every look"


def test_the_doctor_says_when_the_certificate_expires(tmp_path: Path) -> None:
    cert, _key = _self_signed(tmp_path, "roost", days=90)
    now = time.time()
    valid = _certificate_finding(str(cert), now)
    assert valid.status == OK and valid.text.startswith("http: the TLS certificate is valid until 20")
    soon = _certificate_finding(str(cert), now + 85 * 86400)
    assert soon.status == WARNING and "in 5 days: renew it" in soon.text
    late = _certificate_finding(str(cert), now + 91 * 86400)
    assert late.status == PROBLEM and "expired" in late.text and "clients refuse it" in late.text
    (tmp_path / "empty.crt").write_text("not a certificate")
    assert _certificate_finding(str(tmp_path / "empty.crt"), now).status == PROBLEM
