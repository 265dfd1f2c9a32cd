"""Load the lexicon in knowledge/lexicon/: how applicants write, as data the language layer reads."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Extra, ValidationError, conlist, validator

LEXICON_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "lexicon"

if TYPE_CHECKING:  # conlist builds the type at run time, which a type checker cannot follow
    Words = list[str]
else:
    Words = conlist(str, min_items=1)

EMPLOYER_REGIONS = ("huzhou", "zhejiang", "other_province")  # where a new employer is, as the rules tell them apart


class LexiconError(ValueError):
    """A lexicon file is missing, malformed, or inconsistent."""

    def __init__(self, file: str, where: str, problem: str) -> None:
        super().__init__(f"{file}: {where}: {problem}")
        self.file = file
        self.where = where


class _Model(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


def _no_blank(words: list[str]) -> list[str]:
    if any(not w.strip() for w in words):
        raise ValueError("must not contain empty words")
    return words


class Typos(_Model):
    """How domain words are mistyped: fuzzy pinyin pairs, look-alike characters, words never fuzzed."""

    fuzzy_initials: dict[str, str]
    fuzzy_finals: dict[str, str]
    confusable_characters: list[tuple[str, str]]
    exact_only: list[str]

    @validator("confusable_characters", each_item=True)
    def one_character_each(cls, pair: tuple[str, str]) -> tuple[str, str]:
        if len(pair[0]) != 1 or len(pair[1]) != 1 or pair[0] == pair[1]:
            raise ValueError("each pair is two different single characters")
        return pair


class English(_Model):
    """English words and the Chinese words they stand for."""

    english: dict[str, str]

    @validator("english")
    def lower_case_keys(cls, value: dict[str, str]) -> dict[str, str]:
        if any(k != k.lower() or not k.strip() or not v.strip() for k, v in value.items()):
            raise ValueError("keys are lower-case English, values non-empty Chinese")
        return value


class Dialect(_Model):
    """Dialect words and the Mandarin words they stand for."""

    dialect: dict[str, str]

    @validator("dialect")
    def chinese_both_sides(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not k.strip() or not v.strip() or k == v for k, v in value.items()):
            raise ValueError("each dialect word stands for a different, non-empty Mandarin word")
        return value


class TripSituations(_Model):
    """Words for why someone went (again): the seed's "不算多跑" situations, or a complete case."""

    consultation: Words
    materials_incomplete: Words
    not_compliant: Words
    procedures_incomplete: Words
    complete: Words


class Ordinals(_Model):
    """Words that pick an option by position."""

    first: Words
    second: Words
    third: Words
    fourth: Words
    fifth: Words
    sixth: Words
    last: Words


class WordPair(_Model):
    """Two words a few characters apart that together say one thing."""

    first: Words
    then: Words
    within: int
    followed_by: list[str] = []  # when given, the pair counts only with one of these right after it


class Facts(_Model):
    """Words that tell the facts of a person's case."""

    negation: Words
    proxy: Words
    proxy_pairs: WordPair
    asking_for: Words
    in_person: Words
    all_ready: Words
    only_have: Words
    other_certificates: Words
    expired: Words
    valid: Words
    near_expiry: Words
    expiry: Words
    other_registration_holding: Words
    question_words: Words  # right after a holding word it asks rather than tells ("注册在哪办")
    not_this_certificate: Words  # right before a certificate's name it is not meant ("不是湖州的证")
    choice_words: Words  # a clause with one weighs options ("是本人去还是公司去"): who goes is asked, not told
    no_other_registration: Words
    trained_here: Words
    age_words: Words
    age_units: Words
    age_fillers: Words
    birth: Words
    specialty_have: Words
    specialty_words: Words
    specialty_units: Words
    full_specialties: Words
    origin_words: Words
    submission: Words
    done: Words  # beside a handing-in word, it was done: "交上去了", "已经递交"
    asking: Words  # marks of a question in a clause ("吗", "多久", "哪")
    clause_breaks: Words
    question_tags: Words
    progress: Words
    id_tail: Words
    certificate_fields: Words
    wrong_words: Words
    trip_situations: TripSituations
    ordinals: Ordinals

    _blank = validator("*", allow_reuse=True, pre=False)(lambda v: _no_blank(v) if isinstance(v, list) else v)


class OtherPlaceBodies(_Model):
    """A body (authority, association) or a certificate of a place other than Huzhou: a place of these regions,
    then within a few characters one of `then` (but not one of `unless_then`)."""

    regions: Words
    then: Words
    within: int
    unless_then: Words = []

    @validator("regions")
    def known_regions(cls, value: list[str]) -> list[str]:
        if not set(value) <= set(EMPLOYER_REGIONS) - {"huzhou"}:
            raise ValueError("regions are zhejiang or other_province")
        return value


class Regions(_Model):
    """Place names by region, and the words that make a place the employer's."""

    regions: dict[str, Words]
    employer_words: Words
    other_bodies: list[OtherPlaceBodies]

    @validator("regions")
    def known_regions(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if set(value) != set(EMPLOYER_REGIONS):
            raise ValueError("regions are exactly huzhou, zhejiang and other_province")
        return value


class Dates(_Model):
    """Words for dates relative to today."""

    years: dict[str, int]
    months: dict[str, int]
    weeks: dict[str, int]
    days: dict[str, int]
    weekdays: dict[str, int]
    parts: dict[str, str]
    year_parts: dict[str, str]
    seasons: dict[str, tuple[int, int]]
    units: dict[str, str]
    ahead: Words
    behind: Words
    more: Words
    half: Words

    @validator("parts", "year_parts")
    def part_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        if not set(value.values()) <= {"start", "middle", "end"}:
            raise ValueError("parts are start, middle or end")
        return value

    @validator("units")
    def unit_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        if not set(value.values()) <= {"year", "month", "week", "day"}:
            raise ValueError("units are year, month, week or day")
        return value


class Names(_Model):
    """Surnames, words that start with one but are not names, characters never in names, words before names."""

    surnames: Words
    not_names: Words
    not_in_names: Words
    name_labels: Words
    self_words: Words
    id_labels: Words  # words that stand between a name and the ID number they go with ("张伟 身份证号 3305…")
    # A name's frame: the words right before a name ("公司的", "我叫") or right after it ("的申请"); in a frame an
    # ordinary word is a name too ("马上的办理进度", "我叫周到"), unless it holds a character of `never_in_names`.
    before_names: Words = []
    after_names: Words = []
    never_in_names: Words = []


class MatterPair(WordPair):
    """A matter said in two words a few characters apart (in one clause, unless `across_clauses`)."""

    matter: str
    across_clauses: bool = False  # "证上就一个专业，能再加不": the second word in the next clause


class AspectPair(WordPair):
    """An aspect asked in two words a few characters apart ("名单公布了…下一步干啥": what comes after approval)."""

    aspect: str
    across_clauses: bool = False
    instead_of: Words = []  # entities the pair's words would otherwise make ("审核通过了" is no progress question here)


class ContactPair(WordPair):
    """A contact named in two words a few characters apart ("浙江省那个监理协会")."""

    contact: str


class Hints(_Model):
    """Words that only hint at a matter, certificate words too general to decide scope, more material names."""

    matter_hints: dict[str, Words]
    matter_pairs: list[MatterPair]
    aspect_pairs: list[AspectPair] = []
    after_handing_in: str = ""  # the aspect a message asks that only tells what was handed in ("材料交到2号窗口了")
    certificate_nouns: Words = []  # right after 湖州 they name its certificate ("湖州那本", "湖州这边的证")
    contact_pairs: list[ContactPair] = []
    expiry_matter: str
    open_asks: Words
    generic_certificate_words: Words
    # Nouns that are no subject of their own: people, and vague words ("本本", "东西"); any other noun not ours, with
    # nothing of ours named beside it, is a subject the documents do not cover ("落户", "二手房过户").
    ordinary_nouns: Words = []
    subject_questions: Words = []  # words that ask about a subject ("怎么", "哪"); without them a noun is chat
    material_aliases: dict[str, Words]
    material_alternatives: dict[str, Words]


class Lexicon(_Model):
    """Everything in knowledge/lexicon/."""

    typos: Typos
    english: English
    dialect: Dialect
    facts: Facts
    regions: Regions
    dates: Dates
    names: Names
    hints: Hints


FILES: dict[str, type[_Model]] = {
    "typos": Typos, "english": English, "dialect": Dialect, "facts": Facts, "regions": Regions, "dates": Dates, "names": Names,
    "hints": Hints,
}


def _read(directory: Path, name: str) -> Any:
    path = directory / f"{name}.yml"
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError:
        raise LexiconError(path.name, "(file)", "is missing") from None
    except yaml.YAMLError as exc:
        raise LexiconError(path.name, "(file)", f"is not valid YAML: {exc}") from None


def load_lexicon(directory: Path | str = LEXICON_DIR) -> Lexicon:
    """Load and validate every lexicon file, naming file and field on any problem."""
    directory = Path(directory)
    parts: dict[str, _Model] = {}
    for name, model in FILES.items():
        data = _read(directory, name)
        try:
            parts[name] = model.parse_obj(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise LexiconError(f"{name}.yml", where, first["msg"]) from None
    return Lexicon.parse_obj(parts)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """Return the lexicon in knowledge/lexicon/, loaded once per process."""
    return load_lexicon()
