"""How the pii recognizers do on Presidio's synthetic dataset: 1,500 sentences and forms written by other hands
(Microsoft's presidio-research, MIT licence), each with its personal data's spans labelled.

Each labelled span of a type Roost finds counts as found whole (a finding of that type covers it), in part (a finding
overlaps it) or missed; a finding that overlaps no labelled span, of any type, counts as outside the labels. Presidio's
PERSON, STREET_ADDRESS, CREDIT_CARD, PHONE_NUMBER, EMAIL_ADDRESS, IBAN_CODE, US_SSN, IP_ADDRESS and US_DRIVER_LICENSE
are Roost's PERSON, ADDRESS, CARD, PHONE, EMAIL, IBAN, SSN, IP and NATIONAL_ID; its other types (places,
organisations, dates, titles, ages) Roost does not look for. The data is read from a file fetched once by hand
(SOURCE; the tests and this script touch no network):

    python scripts/pii_presidio_eval.py synth_dataset_v2.json [--examples 10]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integrations.pii.recognizers import default_registry  # noqa: E402

ROOST_TYPES = {"PERSON": "PERSON", "STREET_ADDRESS": "ADDRESS", "CREDIT_CARD": "CARD", "PHONE_NUMBER": "PHONE",
               "EMAIL_ADDRESS": "EMAIL", "IBAN_CODE": "IBAN", "US_SSN": "SSN", "IP_ADDRESS": "IP",
               "US_DRIVER_LICENSE": "NATIONAL_ID"}
"""Presidio's types that Roost finds, and Roost's names for them."""
SOURCE = ("https://raw.githubusercontent.com/microsoft/presidio-research/f3ff907eba57b8d380711ce7ca82a42696cd0490/"
          "data/synth_dataset_v2.json")
"""Where the file is: the commit that last changed it."""
SHA256 = "ec08a771ba8135314cafb60752b2295212222ba3a4cd75d73811839c699e0012"
"""The file the README's figures were measured on."""


def evaluate(records: list[dict], examples: int) -> dict[str, object]:
    """Labelled spans found whole, in part or missed by type, findings outside the labels, and examples."""
    registry = default_registry()
    counts: dict[str, Counter[str]] = {}
    outside: Counter[str] = Counter()
    shown: dict[str, list[list[str]]] = {}

    def show(kind: str, *parts: str) -> None:
        listed = shown.setdefault(kind, [])
        if len(listed) < examples:
            listed.append(list(parts))

    for record in records:
        text = record["full_text"]
        findings = registry.analyze(text)
        spans = [(span["start_position"], span["end_position"], span["entity_type"]) for span in record["spans"]]
        for start, end, label in spans:
            entity = ROOST_TYPES.get(label)
            if entity is None:
                continue
            overlapping = [f for f in findings if f.start < end and start < f.end]
            if any(f.entity == entity and f.start <= start and end <= f.end for f in overlapping):
                outcome = "whole"
            elif overlapping:
                outcome = "partial"
                show(f"{entity} in part", text[start:end], " | ".join(f"{f.entity}: {f.text}" for f in overlapping))
            else:
                outcome = "missed"
                show(f"{entity} missed", text[start:end], text[max(0, start - 50):end + 20])
            counts.setdefault(entity, Counter())[outcome] += 1
        for finding in findings:
            if not any(finding.start < end and start < finding.end for start, end, _ in spans):
                outside[finding.entity] += 1
                show(f"{finding.entity} outside the labels", finding.text,
                     text[max(0, finding.start - 50):finding.end + 20])
    per_type = {entity: {"labelled": sum(c.values()), "whole": c["whole"], "partial": c["partial"],
                         "missed": c["missed"], "recall_whole": round(c["whole"] / sum(c.values()), 4)}
                for entity, c in sorted(counts.items())}
    return {"sentences": len(records), "per_type": per_type, "outside_the_labels": dict(outside), "examples": shown}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=f"The data: {SOURCE}")
    parser.add_argument("data", type=Path, help="presidio-research's data/synth_dataset_v2.json (see SOURCE)")
    parser.add_argument("--examples", type=int, default=10, help="examples shown of each outcome (default: 10)")
    options = parser.parse_args()
    raw = options.data.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        print(f"note: {options.data} is not the file the README measured (sha256 {digest})", file=sys.stderr)
    result = evaluate(json.loads(raw), options.examples)
    print(json.dumps({"sha256": digest, **result}, indent=2, ensure_ascii=False))
