"""Read a message into entities: what it names (certificate, matter, aspects, forms, contacts, materials …)
and the facts of the person's case (age, expiry, who goes, where the employer is …).

The Rasa component rasa_ext/nlu.py emits these as Rasa entities; the actions read them back with `Parse`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lexicon import Lexicon
from bot.language import terms as t
from bot.language.dates import DateMention, DateReader
from bot.language.matcher import Match, TermMatcher
from bot.language.text import Normalised, Normaliser, chinese_number
from bot.rules import idnumber

# Entity names (Rasa entities and slots use the same names).
CERTIFICATE = "certificate"
MATTER = "matter"
ASPECT = "aspect"
VARIANT = "variant"
FORM = "form"
CONTACT = "contact"
POLICY = "policy"
TOPIC = "topic"
OUT_OF_SCOPE = "out_of_scope"
MATERIAL = "material"
ORDINAL = "ordinal"
AGE = "age"
EXPIRY = "expiry"
VALIDITY = "validity"
PROXY = "proxy"
OTHER_REGISTRATION = "other_registration"
EMPLOYER_REGION = "employer_region"
TRAINED_HERE = "trained_here"
READY = "ready"
SPECIALTIES = "specialties"
TRIP_SITUATION = "trip_situation"
SUBMIT_DATE = "submit_date"
CORRECTION_FIELD = "correction_field"  # a certificate field said to be wrong, other than name/gender/ID number
BIRTH_DATE = "birth_date"  # the age is counted from it to today
ID_NUMBER = "id_number"  # value "whole", "partial" or "tail": that an ID number is written, never its digits
PROGRESS = "progress"  # asking where one's own application stands
ASKED_CHECK = "asked_check"  # a condition check asked about itself ("有没有年龄卡着"): its key
# Knowledge-base words whose entity is their key: the label found → the entity emitted.
NAMED_BY_KEY = {t.MATTER: MATTER, t.ASPECT: ASPECT, t.VARIANT: VARIANT, t.FORM: FORM, t.CONTACT: CONTACT,
                t.POLICY: POLICY, t.SILENT: TOPIC}
ENTITY_NAMES = (CERTIFICATE, MATTER, ASPECT, VARIANT, FORM, CONTACT, POLICY, TOPIC, OUT_OF_SCOPE, MATERIAL, ORDINAL,
                AGE, EXPIRY, VALIDITY, PROXY, OTHER_REGISTRATION, EMPLOYER_REGION, TRAINED_HERE, READY, SPECIALTIES,
                TRIP_SITUATION, SUBMIT_DATE, BIRTH_DATE, CORRECTION_FIELD, ID_NUMBER, PROGRESS, ASKED_CHECK)
MISSING = "missing"  # role of a material the person lacks
ALTERNATIVE = "alternative"  # role of a material named by one of the forms the documents accept
GENERIC = "generic"  # role of a certificate named only by a general word (注册证书, 合格证)
HINT = "hint"  # role of a matter only hinted at (到期了), when no matter word is said
IMPLIED = "implied"  # role of a certificate implied by a matter only it has (转注册 → national registration)

NEGATORS_BEFORE = ("不是", "非", "不要", "别")
_NUMBER = r"(?:\d{1,3}|[一二两三四五六七八九十俩]{1,3})"
MAX_OPTION_REPLY = 12  # characters: "第一次去协会…" is not a choice of the first option
_BARE_OPTION = re.compile(r"^(?:选|要|第)?\s*([1-9])\s*(?:个|号|项|种)?\s*[.。!！]?$")


@dataclass(frozen=True)
class Entity:
    """One entity of a message: name, value, where it stands in the message as written, optional role."""

    entity: str
    value: str | float
    start: int
    end: int
    text: str
    role: str | None = None

    def as_rasa(self, extractor: str) -> dict[str, object]:
        """Return the entity as Rasa stores it."""
        data: dict[str, object] = {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end,
                                   "confidence_entity": 1.0, "extractor": extractor}
        if self.role:
            data["role"] = self.role
        return data


@dataclass
class _Clause:
    start: int
    end: int
    matches: list[Match] = field(default_factory=list)

    def has(self, label: str) -> bool:
        return any(m.label == label for m in self.matches)

    def of(self, label: str) -> list[Match]:
        return [m for m in self.matches if m.label == label]


class EntityReader:
    """Read messages into entities with one knowledge base and lexicon."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, nlp: t.Segmenter | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon
        self.normaliser = Normaliser(lexicon.english.english)
        words = t.dictionary_words(kb, lexicon)
        self.nlp = nlp or t.build_pipeline(words)
        self.kb_matcher = TermMatcher(t.kb_entries(kb, lexicon), lexicon.typos, naming_labels=t.NAMING_LABELS,
                                      context_labels=t.CONTEXT_LABELS)
        self.generic = set(lexicon.hints.generic_certificate_words)
        self.cue_matcher = TermMatcher(t.lexicon_entries(lexicon), lexicon.typos, fuzzy=False)
        self.dates = DateReader(lexicon.dates)
        self.alternatives = {m.id: m for p in kb.procedures.values() for v in p.variants for m in v.materials}
        f = lexicon.facts
        ages = "|".join(map(re.escape, sorted(f.age_units, key=len, reverse=True)))
        age_words = "|".join(map(re.escape, sorted(f.age_words, key=len, reverse=True)))
        fillers = "|".join(map(re.escape, f.age_fillers))
        self._age = re.compile(rf"({_NUMBER})\s*(?:{ages})|(?:{age_words})\s*(?:{fillers})?\s*({_NUMBER})\s*(?:了|$)")
        have = "|".join(map(re.escape, sorted(f.specialty_have, key=len, reverse=True)))
        units = "|".join(map(re.escape, f.specialty_units))
        words_ = "|".join(map(re.escape, f.specialty_words))
        self._specialties = re.compile(rf"(?:{have}).{{0,8}}?({_NUMBER})\s*(?:{units})\s*(?:{words_})|"
                                       rf"(?:{have})\s*({_NUMBER})\s*(?:{words_})")

    # ------------------------------------------------------------------ reading
    def read(self, raw: str) -> list[Entity]:
        """Return the entities of a message."""
        norm = self.normaliser(raw)
        text = norm.text
        words = t.tokens(self.nlp, text)
        boundaries = frozenset({tok.idx for tok in words} | {tok.idx + len(tok.text) for tok in words})
        matches = _drop_nested(self.kb_matcher.find(text, boundaries) + self.cue_matcher.find(text))
        clauses = self._clauses(words, text, matches)
        dates = self.dates.find(text)
        # Matter words in a clause about another registration ("二建还没转出来") are about that registration.
        elsewhere = [(c.start, c.end) for c in clauses if c.has(t.OUT_OF_SCOPE) and c.has(t.HOLDING)]
        named = [m for m in matches
                 if not (m.label in (t.MATTER, t.MATTER_HINT) and any(s <= m.start < e for s, e in elsewhere))]
        out: list[Entity] = []
        out += self._names(norm, named)
        out += self._materials(norm, clauses)
        out += self._facts(norm, clauses, dates)
        out += self._ordinal(norm, matches)
        out += self._identity(raw, norm, matches)
        out += self._other_authorities(norm, matches)
        out += self._asked_checks(norm)
        return _dedupe(out)

    def _asked_checks(self, norm: Normalised) -> list[Entity]:
        """Read a question about a condition check itself ("有没有年龄卡着"), by its words as typed."""
        out = []
        for check in self.kb.checks.values():
            at = next(((i, w) for w in check.asked_by if (i := norm.text.find(w)) != -1), None)
            if at:
                s, e = norm.span(at[0], at[0] + len(at[1]))
                out.append(Entity(ASKED_CHECK, check.key, s, e, norm.original[s:e]))
        return out

    def _other_authorities(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read another province's authority ("江苏省厅的窗口"): a place outside Zhejiang, then an authority word."""
        offices = self.lexicon.regions.other_authorities
        out = []
        for m in matches:
            if m.label == t.REGION and m.key == "other_province":
                after = norm.text[m.end:m.end + offices.within + max(len(w) for w in offices.then)]
                word = next((w for w in offices.then if w in after[:offices.within + len(w)]), None)
                if word:
                    end = m.end + after.index(word) + len(word)
                    s, e = norm.span(m.start, end)
                    out.append(Entity(OUT_OF_SCOPE, norm.text[m.start:end], s, e, norm.original[s:e]))
        return out

    def _identity(self, raw: str, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Say that an ID number is written (never which) and that the message asks about progress."""
        out: list[Entity] = []
        read = idnumber.read_id(raw)
        for s, e in read.spans[:1]:
            out.append(Entity(ID_NUMBER, "whole" if read.number else "partial", s, e, idnumber.mask_text(raw[s:e])))
        tail = next((m for m in matches if m.label == t.ID_TAIL and norm.text[m.end:m.end + 3].lstrip(" 是为:：")[:1].isdigit()),
                    None)
        if tail and not read.spans:  # "身份证尾号0235": whose case it is, by the last digits (the word kept, not them)
            s, e = norm.span(tail.start, tail.end)
            out.append(Entity(ID_NUMBER, "tail", s, e, norm.original[s:e]))
        for m in matches:
            if m.label == t.PROGRESS:
                s, e = norm.span(m.start, m.end)
                out.append(Entity(PROGRESS, "yes", s, e, norm.original[s:e]))
                break
        return out

    def _clauses(self, words: list[t.Token], text: str, matches: list[Match]) -> list[_Clause]:
        """Split at punctuation and clause-break words (jieba tokens), and sort the matches into clauses."""
        bounds = [0]
        for tok in words:
            if tok.is_punct or tok.text.strip() in (",", "，", "。", ";", "；", "?", "？", "!", "！", "、"):
                bounds.append(tok.idx)
                bounds.append(tok.idx + len(tok.text))
        for ws in re.finditer(r"\s+", text):
            bounds += [ws.start(), ws.end()]
        for m in matches:
            if m.label == t.CLAUSE_BREAK:
                bounds.append(m.start)
        bounds.append(len(text))
        bounds = sorted(set(bounds))
        clauses = [_Clause(s, e) for s, e in itertools.pairwise(bounds) if text[s:e].strip()]
        for m in matches:
            for c in clauses:
                if c.start <= m.start < c.end:
                    c.matches.append(m)
                    break
        return clauses

    # ------------------------------------------------------------------ what the message names
    def _names(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        text = norm.text
        out: list[Entity] = []

        def entity(name: str, value: str | float, m: Match, role: str | None = None) -> Entity:
            s, e = norm.span(m.start, m.end)
            return Entity(name, value, s, e, norm.original[s:e], role)

        negated = [m for m in matches if m.label in (t.CERT, t.TRAINING)
                   and any(text[max(0, m.start - len(n)):m.start] == n for n in NEGATORS_BEFORE)]
        certs = [m for m in matches if m.label == t.CERT and m not in negated]
        training = [m for m in matches if m.label == t.TRAINING and m not in negated]
        huzhou = [m for m in matches if m.label == t.HUZHOU]
        for m in certs:
            out.append(entity(CERTIFICATE, m.key, m, role=GENERIC if m.alias in self.generic else None))
        if training and not any(m.key in ("P", "H") for m in certs):
            key = "H" if huzhou else "training"
            generic = all(m.alias in self.generic for m in training) and not huzhou
            out.append(entity(CERTIFICATE, key, training[0], role=GENERIC if generic else None))
        if not certs and not training and huzhou and len(text.strip()) <= MAX_OPTION_REPLY:
            out.append(entity(CERTIFICATE, "H", huzhou[0]))  # "湖州市的" answering "which certificate"
        if not certs and not training:
            national = [m for m in matches if m.label == t.NATIONAL]
            if national:
                out.append(entity(CERTIFICATE, "N", national[0], role=IMPLIED))
        renamed = [m for m in matches if m.label == t.RENAME]
        company = any(m.label == t.COMPANY or (m.label == t.MATTER and m.key == "company_rename") for m in matches)
        for m in renamed:
            out.append(entity(MATTER, "company_rename" if company else "personal_change", m))
        named_matter = any(m.label in (t.MATTER, t.RENAME) for m in matches)
        hinted = any(m.label == t.MATTER_HINT for m in matches)
        asked = [m for m in matches if m.label in (t.ASPECT, t.SILENT, t.OUT_OF_SCOPE)]
        open_asks = set(self.lexicon.hints.open_asks)
        for m in matches:
            if m.label == t.ASPECT and m.alias in open_asks and any(
                    a is not m and m.end <= a.start <= m.end + 1 for a in asked):
                continue  # "要啥条件", "要交多少钱": the question is about the word after it
            if m.label in NAMED_BY_KEY:
                out.append(entity(NAMED_BY_KEY[m.label], m.key, m))
            elif m.label == t.MATTER_HINT and not named_matter:
                out.append(entity(MATTER, m.key, m, role=HINT))
            elif m.label == t.OUT_OF_SCOPE:
                out.append(entity(OUT_OF_SCOPE, m.text, m))
        if not named_matter and not hinted:
            out += self._pairs(norm)
        if not named_matter and not hinted and not any(e.entity == MATTER for e in out):
            expiry = next((m for m in matches if m.label in (t.EXPIRY_WORD, t.NEAR_EXPIRY)), None)
            if expiry:
                out.append(entity(MATTER, self.lexicon.hints.expiry_matter, expiry, role=HINT))
        if any(m.label == t.MATTER and m.key == "company_rename" for m in matches) or (renamed and company):
            out = [e for e in out if not (e.entity == MATTER and e.value == "change_employer")]
        return out

    def _pairs(self, norm: Normalised) -> list[Entity]:
        """Read a matter said in two words a few characters apart ("单位…变到我们公司")."""
        text = norm.text
        for pair in self.lexicon.hints.matter_pairs:
            for first in pair.first:
                for fm in re.finditer(re.escape(first), text):
                    window = text[fm.end():fm.end() + pair.within]
                    window = re.split(r"[,，。.;；?？!！\s]", window)[0]
                    for then in pair.then:
                        at = window.find(then)
                        if at != -1:
                            s, e = norm.span(fm.start(), fm.end() + at + len(then))
                            return [Entity(MATTER, pair.matter, s, e, norm.original[s:e], HINT)]
        return []

    def _materials(self, norm: Normalised, clauses: list[_Clause]) -> list[Entity]:
        out: list[Entity] = []
        for c in clauses:
            negated = c.has(t.NEGATION)
            for m in c.of(t.MATERIAL) + c.of(t.MATERIAL_ALTERNATIVE):
                s, e = norm.span(m.start, m.end)
                role = MISSING if negated else ALTERNATIVE if m.label == t.MATERIAL_ALTERNATIVE else \
                    GENERIC if m.alias in self.generic else None  # "证书" names a certificate more than a material
                out.append(Entity(MATERIAL, m.key, s, e, norm.original[s:e], role))
        return out

    # ------------------------------------------------------------------ the facts of the case
    def _facts(self, norm: Normalised, clauses: list[_Clause], dates: list[DateMention]) -> list[Entity]:
        text = norm.text
        out: list[Entity] = []

        def at(name: str, value: str | float, start: int, end: int, role: str | None = None) -> None:
            s, e = norm.span(start, end)
            out.append(Entity(name, value, s, e, norm.original[s:e], role))

        sent = self._sent(text)
        if sent:
            at(PROXY, "yes", *sent)
            at(ASPECT, "proxy", *sent)
        for c in clauses:
            negated = c.has(t.NEGATION)
            for m in c.of(t.PROXY):
                at(PROXY, "yes", m.start, m.end)
            for m in c.of(t.IN_PERSON):
                at(PROXY, "no", m.start, m.end)
            for m in c.of(t.READY):
                at(READY, "no" if negated else "yes", m.start, m.end)
            for m in c.of(t.ONLY_HAVE):
                at(READY, "only", m.start, m.end)
            for m in c.of(t.EXPIRED):
                at(VALIDITY, "valid" if negated else "expired", m.start, m.end)
            for m in c.of(t.VALID):
                at(VALIDITY, "valid", m.start, m.end)
            for m in c.of(t.NEAR_EXPIRY):
                at(VALIDITY, "near", m.start, m.end)
            for m in c.of(t.NO_OTHER_REGISTRATION):
                at(OTHER_REGISTRATION, "no", m.start, m.end)
            if c.has(t.OUT_OF_SCOPE) and c.has(t.HOLDING):
                m = c.of(t.OUT_OF_SCOPE)[0]
                at(OTHER_REGISTRATION, "yes", m.start, m.end)
            for m in c.of(t.OTHER_CERTIFICATE):
                at(OTHER_REGISTRATION, "no" if negated else "yes", m.start, m.end)
            for m in c.of(t.TRAINED_HERE):
                at(TRAINED_HERE, "no" if negated else "yes", m.start, m.end)
            for m in c.of(t.SITUATION):
                at(TRIP_SITUATION, m.key, m.start, m.end)
            if c.has(t.WRONG) and not c.has(t.VARIANT):
                for m in c.of(t.CERTIFICATE_FIELD)[:1]:
                    at(CORRECTION_FIELD, m.key, m.start, m.end)
            for m in c.of(t.FULL_SPECIALTIES):
                at(SPECIALTIES, 2.0, m.start, m.end)
            self._region(c, at)
            clause_text = text[c.start:c.end]
            for mm in self._specialties.finditer(clause_text):
                n = chinese_number(mm.group(1) or mm.group(2))
                if n is not None:
                    at(SPECIALTIES, n, c.start + mm.start(), c.start + mm.end())
            for mm in self._age.finditer(clause_text):
                n = chinese_number(mm.group(1) or mm.group(2))
                if n is not None and 16 <= n <= 100:
                    at(AGE, n, c.start + mm.start(), c.start + mm.end())
            for d in dates:
                if not c.start <= d.start < c.end:
                    continue
                if c.has(t.BIRTH):
                    at(BIRTH_DATE, d.date.encode(), d.start, d.end)
                    continue
                about_expiry = c.has(t.EXPIRY_WORD) or c.has(t.EXPIRED) or c.has(t.VALID) or c.has(t.NEAR_EXPIRY)
                meant = d.date
                if meant.undirected:
                    behind = any(m.label == t.EXPIRED and m.end <= d.start for m in c.matches)
                    if not behind and not about_expiry:
                        continue
                    meant = type(meant)(months_ahead=-(meant.months_ahead or 0) if behind else meant.months_ahead)
                if about_expiry:
                    at(EXPIRY, meant.encode(), d.start, d.end)
                elif c.has(t.SUBMISSION):
                    at(SUBMIT_DATE, meant.encode(), d.start, d.end)
        return out

    def _sent(self, text: str) -> tuple[int, int] | None:
        """Find someone else sent to go: a sending word, then a person, a few characters later ("叫我老婆去")."""
        pair = self.lexicon.facts.proxy_pairs
        for first in pair.first:
            for fm in re.finditer(re.escape(first), text):
                window = text[fm.end():fm.end() + pair.within]
                for then in sorted(pair.then, key=len, reverse=True):
                    at = window.find(then)
                    rest = text[fm.end() + at + len(then):]
                    if at != -1 and (not pair.followed_by or any(rest.startswith(w) for w in pair.followed_by)):
                        return fm.start(), fm.end() + at + len(then)
        return None

    def _region(self, c: _Clause, at: object) -> None:
        """Read where the (new) employer is: a place name in a clause that speaks of an employer."""
        if not c.has(t.EMPLOYER) and not c.has(t.COMPANY):
            return
        origins = [m for m in c.matches if m.label == t.ORIGIN]
        names = [m for m in c.matches if m.label in (t.CERT, t.TRAINING, t.CONTACT)]  # "湖州证", "湖州协会"
        places = [m for m in c.of(t.REGION) if not any(o.end <= m.start <= o.end + 1 for o in origins)
                  and not any(n.start <= m.start and m.end <= n.end and n.end - n.start > m.end - m.start
                              for n in names)]
        if places:
            m = places[-1]
            at(EMPLOYER_REGION, m.key, m.start, m.end)  # type: ignore[operator]

    def _ordinal(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read a reply that picks an option by position ("第二个", "最后一个", "2"); a longer message is not one."""
        ordinal = {"first": 1.0, "second": 2.0, "third": 3.0, "last": -1.0}
        if len(norm.text.strip()) > MAX_OPTION_REPLY:
            return []
        for m in matches:
            if m.label == t.ORDINAL:
                s, e = norm.span(m.start, m.end)
                return [Entity(ORDINAL, ordinal[m.key], s, e, norm.original[s:e])]
        bare = _BARE_OPTION.match(norm.text.strip())
        if bare:
            return [Entity(ORDINAL, float(bare.group(1)), 0, len(norm.original), norm.original)]
        return []


def _drop_nested(matches: list[Match]) -> list[Match]:
    """Drop every match that stands inside a longer one of its layer ("身份证" in "身份证号", "协会" in "湖州协会",
    "不是" in "是不是"), except a certificate or matter inside the name of a material or form ("延续注册" in
    "延续注册申请表" still says 延续). Knowledge-base words and the lexicon's cue words are two layers: a fact word
    inside a knowledge-base word still tells its fact ("过期" in "过期了")."""
    out = []
    for m in matches:
        inside = any(
            o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
            and ((o.label in t.KB_LABELS) == (m.label in t.KB_LABELS) or o.label in t.SWALLOWING)
            and not (m.label in t.KEPT_INSIDE_NAMES and o.label in t.NAMES_OF_THINGS)
            for o in matches
        )
        if not inside:
            out.append(m)
    return out


def _dedupe(entities: Iterable[Entity]) -> list[Entity]:
    seen: set[tuple[str, str | float, str | None]] = set()
    out: list[Entity] = []
    for e in entities:
        key = (e.entity, e.value, e.role)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
