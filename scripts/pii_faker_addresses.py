"""How many of the one-line addresses Faker writes the pii recognizers find without a label, per locale: whole, in part,
or not at all, with examples of the missed (Faker's street words and shapes are not the recognizers' own).

    python scripts/pii_faker_addresses.py [--count 300] [--seed 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from integrations.pii.recognizers import default_registry  # noqa: E402

LOCALES = ("en_US", "en_GB", "de_DE", "de_AT", "fr_FR", "nl_NL", "es_ES", "it_IT")


def measure(count: int, seed: int) -> dict[str, object]:
    """Per locale: the share of addresses found whole, in part, and three missed ones."""
    from faker import Faker

    registry = default_registry()
    result: dict[str, object] = {"count": count, "seed": seed}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        whole = part = 0
        missed: list[str] = []
        for _ in range(count):
            address = fake.address().replace("\n", ", ")
            found = [f.text for f in registry.analyze(f"Please ship it to {address} by Friday.") if f.entity == "ADDRESS"]
            if address in found:
                whole += 1
            elif found:
                part += 1
            else:
                missed.append(address)
        result[locale] = {"whole": round(whole / count, 3), "part": round(part / count, 3), "missed": missed[:3]}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    print(json.dumps(measure(options.count, options.seed), indent=2, ensure_ascii=False))
