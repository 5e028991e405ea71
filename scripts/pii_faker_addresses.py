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

LOCALES = ("en_US", "en_GB", "en_CA", "en_AU", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "nl_NL", "nl_BE", "es_ES",
           "it_IT", "pt_PT", "pt_BR", "pl_PL", "sv_SE", "da_DK", "fi_FI", "hu_HU", "ro_RO", "ru_RU", "zh_TW", "ja_JP",
           "ko_KR")
SENTENCES = {"zh": "请寄到{}，谢谢", "ja": "{}に送ってください", "ko": "{}로 보내주세요"}
"""How a sentence holds an address in Chinese, Japanese and Korean (on one line, its parts apart by spaces); in the
others, "Please ship it to ... by Friday." (its lines apart by commas)."""


def measure(count: int, seed: int) -> dict[str, object]:
    """Per locale: the share of addresses found whole, in part, and three missed ones."""
    from faker import Faker

    registry = default_registry()
    result: dict[str, object] = {"count": count, "seed": seed}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        sentence = SENTENCES.get(locale[:2], "Please ship it to {} by Friday.")
        whole = part = 0
        missed: list[str] = []
        for _ in range(count):
            address = fake.address().replace("\n", " " if locale in SENTENCES else ", ")
            found = [f.text for f in registry.analyze(sentence.format(address)) if f.entity == "ADDRESS"]
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
