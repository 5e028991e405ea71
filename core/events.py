"""The events Roost fires on its bus: one constant per event type, with the shape of its data.

Integrations listen with ``gateway.bus.listen(events.MESSAGE_RECEIVED, handler)`` and may fire
their own event types (any string); these are the core's.
"""

from __future__ import annotations

GATEWAY_STARTED = "gateway_started"
"""Every integration is set up and the automations are attached. Data: {}."""

GATEWAY_STOPPING = "gateway_stopping"
"""The gateway begins to stop: no new runs start. Data: {}."""

MESSAGE_RECEIVED = "message_received"
"""A message was stored with the runs it starts. Data: message (Message), platform, chat_id, runs (their
run ids)."""

MESSAGE_SENT = "message_sent"
"""A platform confirmed a reply. Data: platform, chat_id, message_id (the platform's), outbox_id."""

MESSAGE_FAILED = "message_failed"
"""A platform refused a reply, or could not be reached to take it. Data: platform, chat_id, outbox_id, reason
(scrubbed), retry (True: it is tried again later; False: it went to the dead letters)."""

MESSAGE_SKIPPED = "message_skipped"
"""A channel could not take a message in (a shape Roost cannot read, a fault of Roost's), logged it and acknowledged
it (``ChannelBase.skip_on_fault``). Data: platform, what (the platform's name for it: "update (123)")."""

MESSAGE_REFUSED = "message_refused"
"""A chat channel's access rules did not let a message in (``core.pipeline.access``): it was not stored. Data: platform,
reason (kept_out: a group or sender its rules leave out; pairing: a sender not approved yet; sender_limit: one who sends
faster than that)."""

CHANNEL_ONLINE = "channel_online"
"""A channel's platform became reachable (its held replies go out now). Data: platform."""

CHANNEL_OFFLINE = "channel_offline"
"""A channel's platform became unreachable (its replies are held). Data: platform."""

NETWORK_ONLINE = "network_online"
"""The network probe reached an endpoint again (`network:` section). Data: {}."""

NETWORK_OFFLINE = "network_offline"
"""The network probe reached no endpoint. Data: {}."""

MODEL_ANSWERED = "model_answered"
"""A generate action's model finished, failed or was stopped. Data: model, chunks (streamed pieces,
about one per token), first_chunk_seconds (None without output), seconds, message_id (the message it
answers, or None), prompt_tokens and completion_tokens (0 when the backend does not report them),
finish_reason (stop, length, tool_calls, cancelled when its reader or its run stopped, error), tool_calls (the calls
it asked for, OpenAI's shape, personal data restored)."""
SANITIZER_FINDINGS = "sanitizer_findings"
"""A sanitizer replaced personal data in a text. Data: counts ({entity type: how many}), never values."""
AUTOMATION_TRIGGERED = "automation_triggered"
"""An automation's trigger fired and its conditions passed. Data: automation_id, run_id, priority."""

AUTOMATION_FINISHED = "automation_finished"
"""A run ended, or never started (conditions failed, mode full). Data: automation_id, run_id,
status, trace (the run's Trace)."""
