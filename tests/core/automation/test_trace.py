"""Run traces: what they record and what they mask."""

from __future__ import annotations

from core.automation.trace import Trace, trace_trigger


def test_a_trace_masks_what_people_wrote_but_not_the_names_of_roost_parts() -> None:
    scrubbed: list[str] = []

    def scrub(text: str) -> str:
        scrubbed.append(text)
        return "<masked>"

    trigger = trace_trigger({"trigger": "message", "idx": "0", "platform": "whatsapp", "event_type": "message",
                             "chat_id": "4915112345678", "sender": "Ann", "text": "call me on 0151 12345678",
                             "message_id": "wamid.4915112345678", "raw": {"not": "traced"}})
    trace = Trace("reply", "run-1", trigger, scrub=scrub)
    trace.step("actions/0", "reply").result = "I will call 0151 12345678"
    trace.finish("finished")
    data = trace.as_dict()
    assert data["trigger"] == {"trigger": "message", "idx": "0", "platform": "whatsapp", "event_type": "message",
                               "chat_id": "<masked>", "sender": "<masked>", "text": "<masked>",
                               "message_id": "<masked>"}
    assert data["steps"][0]["result"] == "<masked>"
    assert sorted(scrubbed) == sorted(["4915112345678", "Ann", "call me on 0151 12345678", "wamid.4915112345678",
                                       "I will call 0151 12345678"])
