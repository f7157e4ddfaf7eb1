"""The petition catalog: one YAML file per petition under ``forms/catalog/``, loaded into typed
models. A malformed file is rejected with a message naming the file and the field."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from forms.languages import LANGUAGES, Language

CATALOG_DIR = Path(__file__).parent / "catalog"


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the file and the field."""


class Localised(BaseModel):
    """A text in every language Minwon speaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ko: str
    en: str
    zh: str
    vi: str
    th: str

    def __call__(self, language: str) -> str:
        return getattr(self, language, None) or self.ko

    def all(self) -> list[str]:
        return [getattr(self, lang) for lang in LANGUAGES]


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: str
    label: Localised
    synonyms: list[str] = []


class Condition(BaseModel):
    """Ask a field only when another field holds one of some values."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    in_: list[str] = Field(alias="in")


PiiKind = Literal["none", "personal", "identifier"]
FieldType = Literal[
    "name",
    "rrn",
    "foreigner_reg_no",
    "passport",
    "phone",
    "phone_any",
    "email",
    "choice",
    "count",
    "text",
    "address",
    "postal_code",
    "date",
    "datetime",
    "vehicle_plate",
    "people",
    "photos",
]
# Which validator each field type uses (see forms/validators.py). Photos are checked by
# forms.validators.photo_set on the attachments' camera times.
VALIDATOR_OF: dict[str, str] = {
    "name": "person_name",
    "rrn": "rrn",
    "foreigner_reg_no": "foreigner_reg_no",
    "passport": "passport_no",
    "phone": "mobile_phone",
    "phone_any": "any_phone",
    "email": "email",
    "choice": "choice",
    "count": "count",
    "text": "free_text",
    "address": "road_address",
    "postal_code": "postal_code",
    "date": "calendar_date",
    "datetime": "date_time",
    "vehicle_plate": "vehicle_plate",
    "people": "people",
    "photos": "photo_set",
}
# Identifier types: swapped for vault tokens, encrypted, masked (see server/pii.py).
IDENTIFIER_TYPES = frozenset({"rrn", "foreigner_reg_no", "passport"})


class FieldDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: FieldType
    required: bool = True
    when: Condition | None = None
    # identifier: swapped for a token, encrypted, masked (RRN, foreigner no., passport);
    # personal: personal data shown to the citizen and staff; none: not personal.
    pii: PiiKind = "none"
    label: Localised
    question: Localised
    help: Localised
    errors: dict[str, Localised] = {}
    options: list[Option] = []
    suggestions: list[Option] = []  # quick answers for free-text fields (kiosk: little typing)
    min: int | None = None
    max: int | None = None
    # date: a date more than deadline_days ago warns of the fine (late_fine, won).
    deadline_days: int | None = None
    late_fine: int | None = None
    # photos: the earliest and latest camera times must be at least this far apart.
    min_interval_seconds: int | None = None
    official_label: str  # the label on the official Korean form

    @model_validator(mode="after")
    def _consistent(self) -> FieldDef:
        if self.type == "choice" and not self.options:
            raise ValueError(f"choice field '{self.id}' needs options")
        if self.type != "choice" and self.options:
            raise ValueError(f"field '{self.id}' has options but is not a choice")
        if (self.type in IDENTIFIER_TYPES) != (self.pii == "identifier"):
            raise ValueError(
                f"field {self.id!r}: pii must be identifier exactly for {sorted(IDENTIFIER_TYPES)}"
            )
        if self.deadline_days is not None and self.type != "date":
            raise ValueError(f"field '{self.id}': deadline_days applies to dates only")
        return self

    @property
    def validator(self) -> str:
        return VALIDATOR_OF[self.type]

    def validator_kwargs(self) -> dict[str, Any]:
        if self.type == "choice":
            return {"options": {o.value: [*o.label.all(), *o.synonyms] for o in self.options}}
        if self.type == "count":
            return {"minimum": self.min or 1, "maximum": self.max or 10}
        if self.type == "text":
            return {"min_length": self.min or 1, "max_length": self.max or 500}
        if self.type == "date":
            return {"deadline_days": self.deadline_days}
        if self.type == "people":
            return {"maximum": self.max or 10}
        if self.type == "photos":
            return {
                "minimum": self.min or 1,
                "maximum": self.max or 5,
                "min_interval_seconds": self.min_interval_seconds or 0,
            }
        return {}

    def option_label(self, value: str, language: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label(language)
        return value


class Fees(BaseModel):
    """Fee in won per copy, by channel; null where the channel does not offer it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    counter: int | None
    kiosk: int | None
    online: int | None
    note: Localised | None = None


class RequiredDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Localised
    # True when the office obtains it itself (행정정보 공동이용): the citizen need not bring it.
    obtained_by_office: bool = False
    only_for: Literal["self", "proxy", "all"] = "all"


class Applicants(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    self_: bool = Field(True, alias="self")
    proxy: bool
    proxy_requirements: Localised | None = None


class Petition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Localised
    official_title: str
    official_form: str
    legal_basis: str
    who_may_apply: Applicants
    required_documents: list[RequiredDocument]
    fees: Fees
    processing_period: Localised
    where_to_apply: Localised
    procedure_document: str  # id of the guide in knowledge/documents/
    sources: list[str]
    fields: list[FieldDef]

    @model_validator(mode="after")
    def _field_ids_unique_and_conditions_known(self) -> Petition:
        ids = [f.id for f in self.fields]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"duplicate field ids: {sorted(duplicates)}")
        for f in self.fields:
            if f.when and f.when.field not in ids:
                raise ValueError(f"field '{f.id}' depends on unknown field '{f.when.field}'")
        return self

    @property
    def form_name(self) -> str:
        return f"{self.id}_form"

    def field(self, field_id: str) -> FieldDef:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def active_fields(self, values: dict[str, Any]) -> list[FieldDef]:
        """The fields to ask given what is known so far (conditional fields included only when
        their condition holds)."""
        return [f for f in self.fields if f.when is None or values.get(f.when.field) in f.when.in_]


class CommonTexts(BaseModel):
    """Error messages shared by every field of a type (``forms/catalog/_errors.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    errors: dict[str, Localised]
    warnings: dict[str, Localised]


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    petitions: dict[str, Petition]
    common: CommonTexts

    def petition(self, petition_id: str) -> Petition:
        try:
            return self.petitions[petition_id]
        except KeyError:
            raise KeyError(f"unknown petition '{petition_id}'") from None

    def error_text(self, field: FieldDef, code: str, language: Language, **params: Any) -> str:
        text = field.errors.get(code) or self.common.errors.get(code)
        if text is None:
            text = self.common.errors["generic"]
        return text(language).format(**params)

    def warning_text(self, code: str, language: Language, **params: Any) -> str:
        return self.common.warnings[code](language).format(**params)


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from None


def load_petition(path: Path) -> Petition:
    data = _load_yaml(path)
    try:
        petition = Petition.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"{path.name}: invalid petition definition\n{_describe(exc)}") from None
    if petition.id != path.stem:
        raise CatalogError(f"{path.name}: id '{petition.id}' does not match the file name")
    return petition


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    common_path = directory / "_errors.yaml"
    try:
        common = CommonTexts.model_validate(_load_yaml(common_path))
    except ValidationError as exc:
        raise CatalogError(f"{common_path.name}: invalid\n{_describe(exc)}") from None
    petitions = {}
    for path in sorted(directory.glob("[!_]*.yaml")):
        petition = load_petition(path)
        petitions[petition.id] = petition
    return Catalog(petitions=petitions, common=common)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog()
