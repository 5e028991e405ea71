"""The http integration: Roost's own door (an aiohttp server), access tokens, bans, health, metrics, webhooks."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from core import events
from core.automation.registry import TriggerType
from core.doctor import OK, PROBLEM, WARNING, Finding
from core.errors import ConfigError
from core.hookspecs import hookimpl
from integrations.http.addresses import page_addresses
from integrations.http.guard import LoginGuard
from integrations.http.health import health_view, listening_finding
from integrations.http.proxies import network
from integrations.http.server import Access, HttpServer, is_loopback
from integrations.http.status import PAGE, SHARED_FILES, add_status_page
from integrations.http.tls import server_context, valid_until
from integrations.http.tokens import TokenBook, shown_time
from integrations.http.webhook import METHODS, Webhooks
from integrations.http.webhook import SCHEMA as WEBHOOK_SCHEMA

_LOGGER = logging.getLogger(__name__)
DOMAIN = "http"
EXPIRY_NOTICE = 14 * 86400
"""How long before an access token or the TLS certificate expires `roost doctor` says so."""


@dataclass(frozen=True, slots=True)
class Http:
    """What the integration keeps in gateway.data["http"]: the server (add routes) and the webhooks."""

    server: HttpServer
    webhooks: Webhooks




def _proxies_listed(config: dict[str, Any]) -> dict[str, Any]:
    if config["use_x_forwarded_for"] and not config["trusted_proxies"]:
        raise vol.Invalid("use_x_forwarded_for needs trusted_proxies: the addresses of your reverse proxies,"
                          " such as [127.0.0.1]", path=["trusted_proxies"])
    return config


def _tls_pair(config: dict[str, Any]) -> dict[str, Any]:
    """ssl_certificate and ssl_key load as a certificate and its private key (checked now, not as Roost starts to
    listen, where OpenSSL says only "PEM lib")."""
    certificate, key = config.get("ssl_certificate"), config.get("ssl_key")
    if certificate is None:
        if key is not None:
            raise vol.Invalid("ssl_key needs ssl_certificate: the certificate it is the key of",
                              path=["ssl_certificate"])
        return config
    try:
        server_context(certificate, key)
    except ssl.SSLError as err:
        raise vol.Invalid(f"{certificate} and {key or 'the key inside it'} do not load as a certificate and its"
                          f" private key ({err.reason or err}): ssl_certificate is a PEM certificate"
                          " (-----BEGIN CERTIFICATE-----), ssl_key its PEM private key",
                          path=["ssl_certificate"]) from None
    except OSError as err:
        raise vol.Invalid(f"cannot read {certificate}: {err.strerror or err}", path=["ssl_certificate"]) from None
    return config


CONFIG_SCHEMA = vol.Schema(vol.Any(None, vol.All({
    vol.Optional("host", default="127.0.0.1"): str,
    vol.Optional("port", default=8765): vol.All(int, vol.Range(min=0, max=65535)),
    vol.Optional("ssl_certificate"): vol.IsFile(),
    vol.Optional("ssl_key"): vol.IsFile(),
    vol.Optional("cors_allowed_origins", default=[]): [str],
    vol.Optional("login_attempts_threshold", default=5): int,
    vol.Optional("ban_seconds", default=3600.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
    vol.Optional("health_requires_token", default=False): bool,
    vol.Optional("metrics", default=True): bool,
    vol.Optional("metrics_requires_token", default=False): bool,
    vol.Optional("status_page", default=True): bool,
    vol.Optional("use_x_forwarded_for", default=False): bool,
    vol.Optional("trusted_proxies", default=[]): [network],
    vol.Optional("max_connections", default=512): vol.All(int, vol.Range(min=1)),
}, _proxies_listed, _tls_pair)))


@hookimpl
async def roost_setup(gateway: Any, config: dict[str, Any] | None) -> None:
    """Build the server; it listens once every integration has added its routes."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    tokens = TokenBook(gateway.storage(DOMAIN))
    host = config["host"]
    refused = await _reachable_without_token(host, tokens)
    if refused:
        raise ConfigError(refused)
    if not is_loopback(host) and not config.get("ssl_certificate"):
        _LOGGER.warning("Listening on %s without TLS: tokens and messages cross the network readable by anyone"
                        " on the way; set ssl_certificate and ssl_key", host)
    server = HttpServer(config, tokens, LoginGuard(config["login_attempts_threshold"], config["ban_seconds"]))
    server.add_route("GET", "/api/health", health_view(gateway),
                     access=Access(loopback_free=not config["health_requires_token"]))
    if config["metrics"]:
        # prometheus_client costs 1.4 MiB and 34 ms: imported only when metrics are on.
        from integrations.http.metrics import Metrics

        metrics = Metrics(gateway)
        server.on_response = metrics.requests.inc
        server.add_route("GET", "/api/metrics", metrics.view,
                         access=Access(loopback_free=not config["metrics_requires_token"]))
    server.add_page_files(PAGE, SHARED_FILES)
    if config["status_page"]:
        add_status_page(server, gateway)
    webhooks = Webhooks(gateway)
    for method in METHODS:
        server.add_route(method, "/api/webhook/{webhook_id}", webhooks.handle, access=Access(token=False))
    gateway.data[DOMAIN] = Http(server, webhooks)

    async def listen(_event: Any) -> None:
        try:
            await server.start()
        except OSError as err:  # the TLS certificate or key cannot be read
            _LOGGER.error("Cannot listen on %s:%s: %s", host, config["port"], err.strerror or err)
            return
        if not config["status_page"]:
            return
        tls = bool(config.get("ssl_certificate"))
        where = " or ".join(f"{base}/" for base in page_addresses(host, server.port, tls))
        if await tokens.any():
            _LOGGER.info("The status page: %s", where)
        else:  # a first start: say how to get in
            _LOGGER.info("The status page (%s) logs in with an access token, and none exists yet: `roost token create"
                         " NAME --admin --config %s` makes one", where, gateway.config_dir)

    gateway.bus.listen_once(events.GATEWAY_STARTED, listen)


@hookimpl
async def roost_check(config: dict[str, Any] | None, storage: Any) -> list[str]:
    """Listening beyond loopback needs an access token first."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    refused = await _reachable_without_token(config["host"], TokenBook(storage))
    return [refused] if refused else []


@hookimpl
async def roost_doctor(config: dict[str, Any] | None, storage: Any) -> list[Finding]:
    """The address it listens on (free, or a Roost already answers there) and the access tokens."""
    config = CONFIG_SCHEMA(config or {}) or CONFIG_SCHEMA({})
    tokens = TokenBook(storage)
    found = [await listening_finding(config)]
    refused = await _reachable_without_token(config["host"], tokens)
    if refused:
        found.append(Finding(PROBLEM, f"http: {refused}"))
    elif not is_loopback(config["host"]) and not config.get("ssl_certificate"):
        found.append(Finding(WARNING, f"http: {config['host']} is reachable from other machines without TLS:"
                                      " set ssl_certificate and ssl_key"))
    if config.get("ssl_certificate"):
        found.append(_certificate_finding(config["ssl_certificate"], time.time()))
    listed, now = await tokens.list(), time.time()
    expired = sum(info.expired(now) for info in listed)
    admins = sum(info.admin and not info.expired(now) for info in listed)
    if not listed:
        found.append(Finding(OK, "http: no access tokens yet; programs and the status page need one:"
                                 " `roost token create NAME --admin`"))
    else:
        found.append(Finding(WARNING if expired else OK,
                             f"http: {len(listed)} access token(s), {admins} admin, {expired} expired"
                             + ("; revoke the expired ones (`roost token list`)" if expired else "")))
    found += [Finding(WARNING, f"http: the access token {info.name!r} expires"
                               f" {shown_time(info.expires)}, in"
                               f" {_days(info.expires - now)}: what uses it needs a new one before"
                               " (`roost token create NAME --expires 90d`)")
              for info in listed if info.expires is not None and 0 < info.expires - now <= EXPIRY_NOTICE]
    return found


def _certificate_finding(certificate: str, now: float) -> Finding:
    """Whether the TLS certificate is valid, expires within EXPIRY_NOTICE, or has expired."""
    try:
        until = valid_until(certificate).timestamp()
    except (ValueError, OSError) as err:
        return Finding(PROBLEM, f"http: the TLS certificate {certificate} does not read ({err})")
    when = shown_time(until)
    if until <= now:
        return Finding(PROBLEM, f"http: the TLS certificate {certificate} expired {when}: clients refuse it; renew"
                                " it (Roost serves the new files within a minute, without a restart)")
    if until - now <= EXPIRY_NOTICE:
        return Finding(WARNING, f"http: the TLS certificate {certificate} expires {when}, in {_days(until - now)}:"
                                " renew it (Roost serves the new files within a minute, without a restart)")
    return Finding(OK, f"http: the TLS certificate is valid until {when}")


def _days(seconds: float) -> str:
    days = round(seconds / 86400)
    return "less than a day" if days < 1 else f"{days} day{'' if days == 1 else 's'}"


async def _reachable_without_token(host: str, tokens: TokenBook) -> str | None:
    """Why listening on host is refused (other machines reach it and no token exists), or None."""
    if is_loopback(host) or await tokens.any():
        return None
    return (f"host {host} can be reached from other machines, and no access token exists: make one with"
            " `roost token create NAME` first (or listen on 127.0.0.1)")


@hookimpl
def roost_trigger_types() -> dict[str, Any]:
    """The webhook trigger."""
    return {"webhook": TriggerType("webhook", WEBHOOK_SCHEMA, _attach_webhook)}


def _attach_webhook(config: dict[str, Any], automation: Any, engine: Any) -> Callable[[], None] | None:
    http: Http | None = engine.gateway.data.get(DOMAIN)
    if http is None:
        _LOGGER.error("Automation %s has a webhook trigger, but the http integration is not running", automation.id)
        return None
    return http.webhooks.attach(config, automation, engine)


@hookimpl
async def roost_stop(gateway: Any) -> None:
    """Stop listening."""
    http: Http | None = gateway.data.get(DOMAIN)
    if http is not None:
        await http.server.stop()
