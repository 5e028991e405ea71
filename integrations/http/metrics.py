"""GET /api/metrics: Prometheus's text exposition, made by prometheus_client's collectors.

Counters follow the bus (messages received and sent, finished runs, model answers, sanitizer
findings) and the HTTP server (requests by route and status); each event costs a dictionary
lookup and an increment. Queue depths, dead letters and the store writer's figures are read
when Prometheus scrapes, not kept up to date on the message path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from core import events

FIRST_TOKEN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _Labelled:
    """A labelled counter whose children are looked up once per label values."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._children: dict[tuple[str, ...], Any] = {}

    def inc(self, *labels: str, amount: float = 1) -> None:
        child = self._children.get(labels)
        if child is None:
            child = self._children[labels] = self._counter.labels(*labels)
        child.inc(amount)


class Metrics:
    """Roost's metrics for one gateway, in a registry of their own."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self.registry = CollectorRegistry(auto_describe=True)

        def counter(name: str, doc: str, *labels: str) -> _Labelled:
            return _Labelled(Counter(name, doc, labels, registry=self.registry))

        self.received = counter("roost_messages_received", "Messages stored, by platform", "platform")
        self.sent = counter("roost_messages_sent", "Replies a platform confirmed, by platform", "platform")
        self.skipped = counter("roost_messages_skipped", "Messages a channel could not take in, logged and acknowledged,"
                               " by platform", "platform")
        self.refused = counter("roost_messages_refused", "Messages a chat channel's access rules did not let in, by"
                               " platform and reason (kept_out, pairing, sender_limit)", "platform", "reason")
        self.failed = counter("roost_messages_failed", "Failed sends of replies, by platform and outcome (retry: tried "
                              "again later; dead: moved to the dead letters)", "platform", "outcome")
        self.runs = counter("roost_automation_runs", "Runs that ended, by automation and result", "automation",
                            "result")
        self.requests = counter("roost_http_requests", "HTTP requests, by route and status", "route", "status")
        self.tokens = counter("roost_model_chunks", "Pieces (about one token each) models streamed", "model")
        self.findings = counter("roost_sanitizer_findings", "Personal data replaced, by entity type (counts only)",
                                "entity")
        self.first_token = Histogram("roost_model_first_token_seconds", "Time to a model's first token", ["model"],
                                     buckets=FIRST_TOKEN_BUCKETS, registry=self.registry)
        self.registry.register(_Snapshot(self))
        self.snapshot: dict[str, Any] = {}
        bus = gateway.bus
        bus.listen(events.MESSAGE_RECEIVED, lambda e: self.received.inc(e.data["platform"]))
        bus.listen(events.MESSAGE_SENT, lambda e: self.sent.inc(e.data["platform"]))
        bus.listen(events.MESSAGE_SKIPPED, lambda e: self.skipped.inc(e.data["platform"]))
        bus.listen(events.MESSAGE_REFUSED, lambda e: self.refused.inc(e.data["platform"], e.data["reason"]))
        bus.listen(events.MESSAGE_FAILED,
                   lambda e: self.failed.inc(e.data["platform"], "retry" if e.data["retry"] else "dead"))
        bus.listen(events.AUTOMATION_FINISHED, lambda e: self.runs.inc(e.data["automation_id"], e.data["status"]))
        bus.listen(events.MODEL_ANSWERED, self._answered)
        bus.listen(events.SANITIZER_FINDINGS, self._found)

    def _answered(self, event: Any) -> None:
        model = str(event.data["model"])
        self.tokens.inc(model, amount=event.data["chunks"])
        if event.data["first_chunk_seconds"] is not None:
            self.first_token.labels(model).observe(event.data["first_chunk_seconds"])

    def _found(self, event: Any) -> None:
        for entity, count in event.data["counts"].items():
            self.findings.inc(entity, amount=count)

    async def view(self, _request: web.Request) -> web.Response:
        """The scrape: read the queues, then render every collector."""
        self.snapshot = {**await self.gateway.queue_stats(), "disk": self.gateway.status()["disk"] or {}}
        return web.Response(body=generate_latest(self.registry), headers={"Content-Type": CONTENT_TYPE_LATEST})


class _Snapshot:
    """Gauges from the queue figures read at scrape time."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        snapshot = self.metrics.snapshot
        tasks = GaugeMetricFamily("roost_tasks", "Tasks in the durable queue, by state", labels=["state"])
        for state, count in snapshot.get("tasks", {}).items():
            tasks.add_metric([state], count)
        yield tasks
        outbox = GaugeMetricFamily("roost_outbox", "Replies in the outbox, by platform and state",
                                   labels=["platform", "state"])
        for platform, by_state in snapshot.get("outbox", {}).items():
            for state, count in by_state.items():
                outbox.add_metric([platform, state], count)
        yield outbox
        dead = GaugeMetricFamily("roost_dead_letters", "Dead letters, by source", labels=["source"])
        for source in ("task", "outbox"):
            dead.add_metric([source], snapshot.get("dead_letters", {}).get(source, 0))
        yield dead
        writer = snapshot.get("writer", {})
        for name, doc in (("commits", "Store commits"), ("operations", "Store write operations"),
                          ("failed_operations", "Store write operations that failed")):
            family = CounterMetricFamily(f"roost_store_{name}", doc)
            family.add_metric([], writer.get(name, 0))
            yield family
        yield _commit_times(writer.get("commit_seconds", {}))
        backlog = GaugeMetricFamily("roost_store_backlog", "Writes waiting for the store writer")
        backlog.add_metric([], writer.get("backlog", 0))
        yield backlog
        if snapshot.get("disk", {}).get("free_bytes") is not None:
            free = GaugeMetricFamily("roost_store_disk_free_bytes", "Free space on the disk holding the store, as last"
                                     " read (every minute)")
            free.add_metric([], snapshot["disk"]["free_bytes"])
            yield free


def _commit_times(figures: dict[str, Any]) -> HistogramMetricFamily:
    """The store writer's commit times ([upper bound or None, count] pairs) as a Prometheus histogram."""
    buckets, total = [], 0
    for bound, count in figures.get("buckets", []):
        total += count
        buckets.append(("+Inf" if bound is None else repr(float(bound)), total))
    return HistogramMetricFamily("roost_store_commit_seconds",
                                 "Time from handing a group of writes to the store writer until it was committed",
                                 buckets=buckets or [("+Inf", 0)], sum_value=figures.get("sum", 0.0))
