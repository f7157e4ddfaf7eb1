from pathlib import Path

import pytest

from actions.generate import generated_files
from forms.catalog import CatalogError, default_catalog, load_catalog
from forms.languages import LANGUAGES
from server.nlg import MessageCatalog
from server.settings import ROOT


def test_every_petition_loads_with_all_languages():
    catalog = default_catalog()
    assert "resident_registration_copy" in catalog.petitions
    for petition in catalog.petitions.values():
        for field in petition.fields:
            for lang in LANGUAGES:
                assert field.question(lang)
                assert field.label(lang)
                assert field.help(lang)


def test_every_petition_has_its_template():
    for petition_id in default_catalog().petitions:
        assert (ROOT / "forms/templates" / f"{petition_id}.html.j2").exists()


def test_malformed_file_names_file_and_field(tmp_path: Path):
    source = ROOT / "forms/catalog"
    (tmp_path / "_errors.yaml").write_text((source / "_errors.yaml").read_text())
    text = (
        (source / "resident_registration_copy.yaml").read_text().replace("type: rrn", "type: rnn")
    )
    (tmp_path / "resident_registration_copy.yaml").write_text(text)
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    assert "resident_registration_copy.yaml" in str(error.value)
    assert "fields.1.type" in str(error.value)


def test_file_name_must_match_id(tmp_path: Path):
    source = ROOT / "forms/catalog"
    (tmp_path / "_errors.yaml").write_text((source / "_errors.yaml").read_text())
    (tmp_path / "other.yaml").write_text((source / "resident_registration_copy.yaml").read_text())
    with pytest.raises(CatalogError, match=r"other\.yaml"):
        load_catalog(tmp_path)


def test_generated_rasa_files_are_up_to_date():
    messages = MessageCatalog(ROOT / "bot/messages")
    for path, content in generated_files(
        default_catalog(), messages.response_names(), ROOT
    ).items():
        assert path.read_text(encoding="utf-8") == content, f"{path} is stale: run `make generate`"


def test_message_catalogs_have_the_same_keys_and_placeholders_in_every_language():
    import string

    messages = MessageCatalog(ROOT / "bot/messages").messages

    def placeholders(item):
        text = item["text"] if isinstance(item, dict) else item
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for lang in LANGUAGES:
        assert messages[lang].keys() == messages["ko"].keys(), lang
        for key, item in messages["ko"].items():
            assert placeholders(messages[lang][key]) == placeholders(item), (lang, key)


def test_every_petition_is_wired_into_the_bot_and_has_a_guide_id():
    import yaml

    catalog = default_catalog()
    guides = [p.procedure_document for p in catalog.petitions.values()]
    assert len(set(guides)) == len(guides) and all(guides)
    rules = (ROOT / "data/rules").glob("*.yml")
    rule_text = "\n".join(path.read_text(encoding="utf-8") for path in rules)
    for petition in catalog.petitions.values():
        domain = yaml.safe_load(
            (ROOT / f"bot/domain/{petition.id}.yml").read_text(encoding="utf-8")
        )
        assert domain["intents"] == [f"apply_{petition.id}"]
        assert petition.form_name in domain["forms"]
        assert f"intent: apply_{petition.id}" in rule_text
        for lang in LANGUAGES:
            nlu = (ROOT / f"data/nlu/{lang}/petitions.yml").read_text(encoding="utf-8")
            nlu += (ROOT / f"data/nlu/{lang}/resident_registration_copy.yml").read_text(
                encoding="utf-8"
            )
            assert f"intent: apply_{petition.id}" in nlu, (petition.id, lang)


def test_every_choice_option_and_suggestion_has_all_languages_and_validates():
    from forms.fields import check
    from forms.validators import Valid

    for petition in default_catalog().petitions.values():
        for field in petition.fields:
            for option in field.options:
                for lang in LANGUAGES:
                    assert isinstance(check(field, option.label(lang)), Valid), (field.id, lang)
            for suggestion in field.suggestions:
                result = check(field, suggestion.value)
                assert isinstance(result, Valid), (petition.id, field.id, suggestion.value, result)
