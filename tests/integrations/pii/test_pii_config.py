"""The pii configuration section: defaults filled in, mistakes reported with their key path."""

from __future__ import annotations

import pytest
import voluptuous as vol

from integrations.pii.config import CONFIG_SCHEMA, DEFAULT_VAULT_TTL
from integrations.pii.recognizers import BUILTIN_ENTITIES


def test_empty_section_gets_every_default() -> None:
    for empty in (None, {}):
        config = CONFIG_SCHEMA(empty)
        assert config["legacy_cn_id"] is False
        assert config["vault_ttl"] == DEFAULT_VAULT_TTL == 86400
        assert config["mask_outbound"] == []
        assert set(config["entities"]) == set(BUILTIN_ENTITIES)
        for options in config["entities"].values():
            assert options["enabled"] is True and options["policy"] == "placeholder"
        assert (
            config["entities"]["PHONE"]["keep_head"],
            config["entities"]["PHONE"]["keep_tail"],
        ) == (3, 4)


def test_entity_shorthands_and_custom_types() -> None:
    config = CONFIG_SCHEMA(
        {
            "entities": {
                "PHONE": {"policy": "mask", "keep_tail": 2},
                "EMAIL": "hash",
                "IP": False,
                "CARD": None,
                "EMPLOYEE_ID": {"policy": "redact"},
            },
            "legacy_cn_id": True,
            "vault_ttl": 600,
            "mask_outbound": ["telegram", "whatsapp"],
        }
    )
    entities = config["entities"]
    assert entities["PHONE"]["policy"] == "mask" and entities["PHONE"]["keep_tail"] == 2
    assert entities["PHONE"]["keep_head"] == 3
    assert entities["EMAIL"]["policy"] == "hash"
    assert entities["IP"]["enabled"] is False
    assert entities["CARD"]["policy"] == "placeholder"
    assert entities["EMPLOYEE_ID"] == {
        "enabled": True, "policy": "redact", "keep_head": 0, "keep_tail": 4,
        "mask_char": "*", "hash_length": 8, "threshold": 0.5,
    }  # fmt: skip
    assert config["legacy_cn_id"] is True and config["vault_ttl"] == 600
    assert config["mask_outbound"] == ["telegram", "whatsapp"]


def test_validation_is_idempotent() -> None:
    once = CONFIG_SCHEMA({"entities": {"PHONE": "mask"}})
    assert CONFIG_SCHEMA(once) == once


@pytest.mark.parametrize(
    ("section", "path", "words"),
    [
        (
            {"entities": {"PHONE": {"policy": "scramble"}}},
            ["entities", "PHONE", "policy"],
            "placeholder, mask",
        ),
        ({"entities": {"PHONE": "scramble"}}, ["entities", "PHONE", "policy"], "not known"),
        ({"entities": {"phone": {}}}, ["entities", "phone"], "upper-case"),
        (
            {"entities": {"PHONE": {"keep_tail": 100}}},
            ["entities", "PHONE", "keep_tail"],
            "0 to 64",
        ),
        (
            {"entities": {"PHONE": {"mask_char": "**"}}},
            ["entities", "PHONE", "mask_char"],
            "single character",
        ),
        ({"entities": {"PHONE": {"colour": "red"}}}, ["entities", "PHONE", "colour"], "extra keys"),
        ({"vault_ttl": 0}, ["vault_ttl"], "greater than 0"),
        ({"vault_ttl": "a day"}, ["vault_ttl"], "int"),
        ({"mask_outbound": "telegram"}, ["mask_outbound"], "list"),
        ({"legacy_cn_id": "yes"}, ["legacy_cn_id"], "bool"),
        ({"phone_regions": ["US", "uk"]}, ["phone_regions", 1], "unknown region 'UK' (did you mean GB?)"),
        ({"phone_regions": ["XX"]}, ["phone_regions", 0], "unknown region 'XX': expected a two-letter ISO 3166"),
        ({"phone_regions": ["USA"]}, ["phone_regions", 0], "such as US or GB"),
        ({"phone_regions": []}, ["phone_regions"], "at least one region"),
        ({"unknown": 1}, ["unknown"], "extra keys"),
        (["not", "a", "mapping"], [], "mapping"),
    ],
)
def test_errors_name_the_key(section: object, path: list[str], words: str) -> None:
    with pytest.raises(vol.Invalid) as caught:
        CONFIG_SCHEMA(section)
    assert caught.value.path == path
    assert words in str(caught.value)
