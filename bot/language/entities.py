"""Read a message into entities: what it names (certificate, matter, aspects, forms, contacts, materials …)
and the facts of the person's case (age, expiry, who goes, where the employer is …).

The Rasa component rasa_ext/nlu.py emits these as Rasa entities; the actions read them back with `Parse`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import jieba

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lexicon import Lexicon, WordPair
from bot.language import terms as t
from bot.language.dates import DateMention, DateReader
from bot.language.matcher import Match, TermMatcher, syllables
from bot.language.names import tagged_words
from bot.language.text import Normalised, Normaliser, chinese_number
from bot.rules import idnumber

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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
WHOLE, PARTIAL, TAIL = "whole", "partial", "tail"
PROGRESS = "progress"  # asking where one's own application stands
ASKED_CHECK = "asked_check"  # a condition check asked about itself ("有没有年龄卡着"): its key
REGION = "region"  # a place named: huzhou, zhejiang (elsewhere in the province) or other_province
FIELD = "field"  # a field of a form named ("附件四上有没有性别这一栏")
# Knowledge-base words whose entity is their key: the label found → the entity emitted.
NAMED_BY_KEY = {t.MATTER: MATTER, t.ASPECT: ASPECT, t.VARIANT: VARIANT, t.FORM: FORM, t.CONTACT: CONTACT,
                t.POLICY: POLICY, t.SILENT: TOPIC, t.FORM_FIELD: FIELD}
ENTITY_NAMES = (CERTIFICATE, MATTER, ASPECT, VARIANT, FORM, CONTACT, POLICY, TOPIC, OUT_OF_SCOPE, MATERIAL, ORDINAL,
                AGE, EXPIRY, VALIDITY, PROXY, OTHER_REGISTRATION, EMPLOYER_REGION, TRAINED_HERE, READY, SPECIALTIES,
                TRIP_SITUATION, SUBMIT_DATE, BIRTH_DATE, CORRECTION_FIELD, ID_NUMBER, PROGRESS, ASKED_CHECK, REGION,
                FIELD)
# The entities that carry facts of a person's case (also the names of the slots that keep them).
FACT_ENTITIES = (AGE, BIRTH_DATE, EXPIRY, VALIDITY, PROXY, OTHER_REGISTRATION, EMPLOYER_REGION, TRAINED_HERE, READY,
                 SPECIALTIES, CORRECTION_FIELD)
FACT_ENTITIES_SET = frozenset(FACT_ENTITIES)
# The entities that name what questions are about.
NAMING_ENTITIES = frozenset({MATTER, FORM, CONTACT, POLICY, TOPIC, OUT_OF_SCOPE, CERTIFICATE})
# Entities that make a noun not ours no subject of the question ("证书和户口本都带上").
FOREIGN_BLOCKERS = frozenset({CERTIFICATE, FORM, CONTACT, POLICY, TOPIC, OUT_OF_SCOPE, ID_NUMBER, FIELD})
# The entities that make a message a status look-up.
STATUS_ENTITIES = frozenset({ID_NUMBER, PROGRESS})
MISSING = "missing"  # role of a material the person lacks
ALTERNATIVE = "alternative"  # role of a material named by one of the forms the documents accept
GENERIC = "generic"  # role of a certificate named only by a general word (注册证书, 合格证)
LIST_MARK = "、"
# One more number in a list of forms after "附件三": "、四", "和5", "，附件六".
_LISTED_NUMBER = re.compile(r"\s*[、,，和及与跟]\s*(?:附件)?([一二三四五六七八九1-9])(?![一二三四五六七八九十0-9个项份张])")
# jieba's tags of nouns that may be a question's subject (places and names are read otherwise).
FOREIGN_NOUN_TAGS = frozenset({"n", "nz", "vn", "nt"})
HINT = "hint"  # role of a matter only hinted at (到期了), when no matter word is said
IMPLIED = "implied"  # role of a certificate implied by a matter only it has (转注册 → national registration)

# The facts cue words tell: (label, entity, value told, value when the clause negates it), in the order read.
CUE_FACTS = (
    (t.PROXY, PROXY, "yes", "yes"), (t.IN_PERSON, PROXY, "no", "no"), (t.READY, READY, "yes", "no"),
    (t.ONLY_HAVE, READY, "only", "only"), (t.EXPIRED, VALIDITY, "expired", "valid"), (t.VALID, VALIDITY, "valid", "valid"),
    (t.NEAR_EXPIRY, VALIDITY, "near", "near"), (t.NO_OTHER_REGISTRATION, OTHER_REGISTRATION, "no", "no"),
    (t.OTHER_CERTIFICATE, OTHER_REGISTRATION, "yes", "no"), (t.TRAINED_HERE, TRAINED_HERE, "yes", "no"),
)
_NUMBER = r"(?:\d{1,3}|[一二两三四五六七八九十俩]{1,3})"
HUZHOU_BEFORE_TRAINING = 3  # characters between 湖州 and a training certificate's name that make it Huzhou's
# A certificate or body named within these characters after another place's body is that place's ("江苏发的培训证").
OF_ANOTHER_PLACE = 3
OTHER_PLACE_NAMES = frozenset({t.CERT, t.TRAINING, t.CONTACT, t.HUZHOU, t.NATIONAL})
_PUNCTUATION = re.compile(r"[,，。.;；?？!！\s]")
ORDINAL_ENDS = frozenset("呢的，,。 ：:")  # after a position at the start of a longer message ("第二个呢，…")
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

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, nlp: Language | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon
        self.normaliser = Normaliser(lexicon.english.english, lexicon.dialect.dialect)
        words = t.dictionary_words(kb, lexicon)
        self.ours = frozenset(words) | frozenset(lexicon.hints.ordinary_nouns) | _words_of(kb)
        self.our_sounds = frozenset(syllables(w) for w in self.ours if len(w) >= 2)  # "证数" sounds as 证书
        self.surnames = frozenset(lexicon.names.surnames)
        self.nlp = nlp or t.build_pipeline(words)
        self.kb_matcher = TermMatcher(t.kb_entries(kb, lexicon), lexicon.typos, naming_labels=t.NAMING_LABELS,
                                      context_labels=t.CONTEXT_LABELS, blocking_labels=frozenset({t.OUT_OF_SCOPE}))
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
        boundaries = _boundaries(words)
        matches = _drop_nested(self.kb_matcher.find(text, boundaries) + self.cue_matcher.find(text))
        asking = tuple(self.lexicon.facts.question_words)
        matches = [m for m in matches if not (m.label == t.HOLDING and text[m.end:].startswith(asking))]
        other_places = self._other_places(norm, matches)
        matches = [m for m in matches if not _of_another_place(m, other_places, norm)]
        clauses = self._clauses(words, text, matches)
        dates = self.dates.find(text)
        # Matter words in a clause about another registration ("二建还没转出来") are about that registration.
        elsewhere = [(c.start, c.end) for c in clauses if c.has(t.OUT_OF_SCOPE) and c.has(t.HOLDING)]
        named = [m for m in matches
                 if not (m.label in (t.MATTER, t.MATTER_HINT) and any(s <= m.start < e for s, e in elsewhere))]
        # A clause telling what was handed in asks nothing ("材料上周交上去了，多久能审完" asks only the time).
        told = [(c.start, c.end) for c in clauses if self._tells_what_was_done(text[c.start:c.end + 1], c)]
        named = [m for m in named if not (m.label == t.ASPECT and any(s <= m.start < e for s, e in told))]
        # A form handed in ("附件四交到协会了，要多久") is asked nothing about: it tells the procedure.
        ready = [(_listed_from(c.start, clauses, text), c.end) for c in clauses
                 if c.has(t.READY) and self._tells(text[c.start:c.end + 1], c)]
        handed = [m for m in named if m.label == t.FORM and any(s <= m.start < e for s, e in told + ready)]
        named = [m for m in named if m not in handed]
        only_told = bool(told) and len(told) == len(clauses)  # "材料已经交到2号窗口了": what comes next?
        out: list[Entity] = []
        out += self._names(norm, named)
        out += self._materials(norm, clauses)
        out += self._facts(norm, clauses, dates)
        out += self._ordinal(norm, matches)
        out += self._identity(raw, norm, matches)
        out += other_places
        out += self._regions(norm, matches)
        out += self._asked_checks(norm)
        out += self._handed_in(norm, handed, out)
        out += self._foreign_subject(norm, matches, out)
        after = self.lexicon.hints.after_handing_in
        if only_told and after and not any(x.entity == ASPECT for x in out):
            out.append(Entity(ASPECT, after, 0, len(norm.original), norm.original))
        return _dedupe(self._aspect_pairs(norm, out))

    def _handed_in(self, norm: Normalised, forms: list[Match], read: list[Entity]) -> list[Entity]:
        """Read the matter and certificate that forms handed in tell, where every procedure using them agrees and
        the message names none itself."""
        procedures = [self.kb.procedures[code] for m in forms for code in self.kb.forms[m.key].used_by]
        if not procedures:
            return []
        out = []
        matters = {p.matter for p in procedures}
        if len(matters) == 1 and not any(x.entity == MATTER for x in read):
            out.append(_entity(norm, MATTER, matters.pop(), forms[0], HINT))
        certificates = {p.certificate for p in procedures}
        if len(certificates) == 1 and not any(x.entity == CERTIFICATE for x in read):
            out.append(_entity(norm, CERTIFICATE, certificates.pop(), forms[0], IMPLIED))
        return out

    def _foreign_subject(self, norm: Normalised, matches: list[Match], read: list[Entity]) -> list[Entity]:
        """Read a noun that is not ours as the subject of a question naming nothing of ours ("湖州落户要啥条件"),
        or standing right before the matter it asks about ("社保卡丢了怎么补办")."""
        if any(x.entity in FOREIGN_BLOCKERS or (x.entity == MATERIAL and x.role != GENERIC) for x in read):
            return []
        asks = any(m.label in (t.ASPECT, t.MATTER, t.MATTER_HINT, t.VARIANT) for m in matches) or any(
            w in norm.text for w in self.lexicon.hints.subject_questions)
        if not asks:
            return []  # "你是真人吗", "好嘞记下了": no question about a subject
        matters = [m for m in matches if m.label in (t.MATTER, t.MATTER_HINT, t.VARIANT)]
        at = 0
        for w in tagged_words(norm.text):
            start, at = at, at + len(w.word)
            noun = w.flag in FOREIGN_NOUN_TAGS or (w.flag == "nr" and w.word[0] not in self.surnames)  # 幼儿园
            if not noun or len(w.word) < 2 or w.word in self.ours or any(
                    m.start < at and start < m.end for m in matches) or syllables(w.word) in self.our_sounds:
                continue  # ("证数" sounds as 证书: a typo of ours, not another subject)
            if matters and not any(at <= m.start <= at + 1 for m in matters):
                continue
            s, e = norm.span(start, at)
            return [Entity(OUT_OF_SCOPE, w.word, s, e, norm.original[s:e])]
        return []

    def _tells_what_was_done(self, clause: str, c: _Clause) -> bool:
        """Say whether a clause (with the mark after it) tells that something was handed in, asking nothing."""
        return c.has(t.SUBMISSION) and self._tells(clause, c)

    def _tells(self, clause: str, c: _Clause) -> bool:
        """Say whether a clause (with the mark after it) tells something done ("了", "已经"), asking nothing
        ("附件一、手册都备齐了": what one has, not a question about the form)."""
        f = self.lexicon.facts
        return any(w in clause for w in f.done) and not c.has(t.QUESTION_TAG) and not any(w in clause for w in f.asking)

    def _asked_checks(self, norm: Normalised) -> list[Entity]:
        """Read a question about a condition check itself ("有没有年龄卡着"), by its words as typed."""
        out = []
        for check in self.kb.checks.values():
            at = next(((i, w) for w in check.asked_by if (i := norm.text.find(w)) != -1), None)
            if at:
                s, e = norm.span(at[0], at[0] + len(at[1]))
                out.append(Entity(ASKED_CHECK, check.key, s, e, norm.original[s:e]))
        return out

    def _other_places(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read a body or certificate of a place other than Huzhou ("江苏省厅的窗口", "上海发的培训证", "杭州市监理
        协会"): the place, then within a few characters a word for a body there (regions.yml other_bodies)."""
        out = []
        text = norm.text
        for m in matches:
            if m.label != t.REGION:
                continue
            for bodies in self.lexicon.regions.other_bodies:
                if m.key not in bodies.regions:
                    continue
                after = text[m.end:m.end + bodies.within + max(len(w) for w in bodies.then)]
                at = min(((after.find(w), w) for w in bodies.then if -1 < after.find(w) <= bodies.within),
                         default=None)
                if at is None:
                    continue
                end = m.end + at[0] + len(at[1])
                rest = text[end:end + bodies.within + max((len(w) for w in bodies.unless_then), default=0)]
                if any(w in rest for w in bodies.unless_then):
                    continue
                s, e = norm.span(m.start, end)
                out.append(Entity(OUT_OF_SCOPE, text[m.start:end], s, e, norm.original[s:e]))
                break
        return out

    def _regions(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Name the places a message names, by region (a place is no certificate: "湖州" alone names none)."""
        out = []
        for m in matches:
            if m.label == t.REGION:
                s, e = norm.span(m.start, m.end)
                out.append(Entity(REGION, m.key, s, e, norm.original[s:e]))
        return out

    def _identity(self, raw: str, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Say that an ID number is written (never which) and that the message asks about progress."""
        out: list[Entity] = []
        read = idnumber.read_id(raw)
        for s, e in read.spans[:1]:
            out.append(Entity(ID_NUMBER, WHOLE if read.number else PARTIAL, s, e, idnumber.mask_text(raw[s:e])))
        tail = next((m for m in matches if m.label == t.ID_TAIL and norm.text[m.end:m.end + 3].lstrip(" 是为:：")[:1].isdigit()),
                    None)
        if tail and not read.spans:  # "身份证尾号0235": whose case it is, by the last digits (the word kept, not them)
            s, e = norm.span(tail.start, tail.end)
            out.append(Entity(ID_NUMBER, TAIL, s, e, norm.original[s:e]))
        for m in matches:
            if m.label == t.PROGRESS:
                s, e = norm.span(m.start, m.end)
                out.append(Entity(PROGRESS, "yes", s, e, norm.original[s:e]))
                break
        return out

    def _clauses(self, words: Doc, text: str, matches: list[Match]) -> list[_Clause]:
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
        """Read what a message names: certificates, the knowledge base's other words, matters."""
        return self._certificates(norm, matches) + self._words(norm, matches) + self._matters(norm, matches)

    def _certificates(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read the certificates named: by name, as a training certificate (Huzhou's when 湖州 stands right before
        it), or implied by a matter only the national one has; a general word ("培训证") in a generic role."""
        text = norm.text
        negated = [m for m in matches if m.label in (t.CERT, t.TRAINING)
                   and any(text[max(0, m.start - len(n)):m.start] == n for n in self.lexicon.facts.not_this_certificate)]
        certs = [m for m in matches if m.label == t.CERT and m not in negated]
        training = [m for m in matches if m.label == t.TRAINING and m not in negated]
        huzhou = [h for h in matches if h.label == t.HUZHOU and any(
            0 <= m.start - h.end <= HUZHOU_BEFORE_TRAINING and not _PUNCTUATION.search(text[h.end:m.start])
            for m in training)]  # "湖州的培训证"; a place elsewhere in the message is no certificate
        nouns = self.lexicon.hints.certificate_nouns
        named = next((h for h in matches if h.label == t.HUZHOU and any(
            (at := text.find(w, h.end, h.end + HUZHOU_BEFORE_TRAINING + len(w))) >= 0 and
            not _PUNCTUATION.search(text[h.end:at]) for w in nouns)), None)  # "湖州那本", "湖州这边的证"
        out = [_entity(norm, CERTIFICATE, m.key, m, GENERIC if m.alias in self.generic else None) for m in certs]
        if training and not any(m.key in ("P", "H") for m in certs):
            key = "H" if huzhou else "training"
            generic = all(m.alias in self.generic for m in training) and not huzhou
            out.append(_entity(norm, CERTIFICATE, key, training[0], GENERIC if generic else None))
        if not certs and not training and named:
            out.append(_entity(norm, CERTIFICATE, "H", named))
        national = [m for m in matches if m.label == t.NATIONAL]
        if not certs and not training and not named and national:
            out.append(_entity(norm, CERTIFICATE, "N", national[0], IMPLIED))
        return out

    def _words(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read the knowledge base's other words named (aspects, forms, contacts, fields …) and out-of-scope words;
        an open "what" right before another aspect's word asks about that one ("要啥条件")."""
        asked = [m for m in matches if m.label in (t.ASPECT, t.SILENT, t.OUT_OF_SCOPE)]
        open_asks = set(self.lexicon.hints.open_asks)
        out = []
        for m in matches:
            if m.label == t.ASPECT and m.alias in open_asks and any(
                    a is not m and m.end <= a.start <= m.end + 1 for a in asked):
                continue  # "要啥条件", "要交多少钱": the question is about the word after it
            if m.label in NAMED_BY_KEY and m.label != t.MATTER:
                out.append(_entity(norm, NAMED_BY_KEY[m.label], m.key, m))
            if m.label == t.FORM:
                out += self._forms_listed_after(norm, m)
            elif m.label == t.OUT_OF_SCOPE:
                out.append(_entity(norm, OUT_OF_SCOPE, m.text, m))
        for pair in self.lexicon.hints.contact_pairs:  # "浙江省那个监理协会": the provincial association
            found = _pair_at(pair, norm.text, across_clauses=False)
            if found:
                s, e = norm.span(found[0], found[3])
                out = [x for x in out if not (x.entity == CONTACT and s <= x.start and x.end <= e)]
                out.append(Entity(CONTACT, pair.contact, s, e, norm.original[s:e]))
        return out

    def _forms_listed_after(self, norm: Normalised, form: Match) -> list[Entity]:
        """Read the forms listed by number right after one ("附件三、四、五", "附件一和二"): the same word, another
        number."""
        prefix = form.key.rstrip("一二三四五六七八九十0123456789")
        out, at = [], form.end
        while (m := _LISTED_NUMBER.match(norm.text, at)) is not None:
            number = chinese_number(m.group(1))
            key = next((k for k in self.kb.forms if k.startswith(prefix) and
                        chinese_number(k[len(prefix):]) == number), None) if number else None
            if key is None:
                break
            s, e = norm.span(m.start(1), m.end())
            out.append(Entity(FORM, key, s, e, norm.original[s:e]))
            at = m.end()
        return out

    def _matters(self, norm: Normalised, matches: list[Match]) -> list[Entity]:
        """Read the matters named; with none named, hinted at (a hint, two words apart, an expiry); a general word
        ("变更") gives way to a specific matter said beside it, and a company's new name is no change of employer."""
        general = {m.key for m in self.kb.matters.values() if m.general}
        renamed = [m for m in matches if m.label == t.RENAME]
        company = any(m.label == t.COMPANY or (m.label == t.MATTER and m.key == "company_rename") for m in matches)
        out = [_entity(norm, MATTER, "company_rename" if company else "personal_change", m) for m in renamed]
        out += [_entity(norm, MATTER, m.key, m) for m in matches if m.label == t.MATTER]
        named = any(x.value not in general for x in out)
        contacts = [m for m in matches if m.label == t.CONTACT]
        hinted = [m for m in matches if m.label == t.MATTER_HINT and not any(  # "报错了": the system's, not 错了
            c.start < m.end and m.start < c.end for c in contacts)]
        said = {x.value for x in out if x.value in general}
        if said:  # "合同到期…进了另一家公司…办变更": only a hint the general word may mean
            covered = {key for g in said for keys in self.kb.matters[g].covers.values() for key in keys}
            hinted = [m for m in hinted if m.key in covered]
        if not named:
            out += [_entity(norm, MATTER, m.key, m, HINT) for m in hinted]
        if not named and not hinted:
            out += self._pairs(norm)  # "身份证号变更": the pair says which 变更
        if not any(x.value not in general for x in out):
            expiry = next((m for m in matches if m.label in (t.EXPIRY_WORD, t.NEAR_EXPIRY)), None)
            if expiry and not out:
                out.append(_entity(norm, MATTER, self.lexicon.hints.expiry_matter, expiry, HINT))
        if any(x.value not in general for x in out):  # "改了名字…的变更": the specific one
            out = [x for x in out if x.value not in general]
        if any(m.label == t.MATTER and m.key == "company_rename" for m in matches) or (renamed and company):
            out = [x for x in out if x.value != "change_employer"]
        return out

    def _pairs(self, norm: Normalised) -> list[Entity]:
        """Read a matter said in two words a few characters apart ("单位…变到我们公司")."""
        for pair in self.lexicon.hints.matter_pairs:
            found = _pair_at(pair, norm.text, pair.across_clauses)
            if found:
                s, e = norm.span(found[0], found[3])
                return [Entity(MATTER, pair.matter, s, e, norm.original[s:e], HINT)]
        return []

    def _aspect_pairs(self, norm: Normalised, out: list[Entity]) -> list[Entity]:
        """Read an aspect asked in two words apart ("名单公布了…下一步干啥"); within its words it replaces the
        entities it stands for instead (the whole guide, a progress question)."""
        for pair in self.lexicon.hints.aspect_pairs:
            found = _pair_at(pair, norm.text, pair.across_clauses)
            if found:
                words = [norm.span(found[0], found[1]), norm.span(found[2], found[3])]
                out = [x for x in out if not (any(x.start < e and s < x.end for s, e in words) and (
                    x.entity in pair.instead_of or (x.entity == ASPECT and x.value in pair.instead_of)))]
                s, e = words[0][0], words[1][1]
                out.append(Entity(ASPECT, pair.aspect, s, e, norm.original[s:e]))
        return out

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
        """Read the facts of the person's case, clause by clause: told by cue words, numbers and dates."""
        out: list[Entity] = []

        def at(name: str, value: str | float, start: int, end: int, role: str | None = None) -> None:
            s, e = norm.span(start, end)
            out.append(Entity(name, value, s, e, norm.original[s:e], role))

        sent = self._sent(norm.text)
        if sent:
            at(PROXY, "yes", *sent)
            at(ASPECT, "proxy", *sent)
        for c in clauses:
            self._cue_facts(c, at)
            self._region(c, at)
            self._numbers(c, norm.text[c.start:c.end], at)
            self._dated(c, dates, at)
        return out

    @staticmethod
    def _cue_facts(c: _Clause, at: Callable[..., None]) -> None:
        """Read the facts a clause's cue words tell (a negation in the clause turns some of them round)."""
        negated = c.has(t.NEGATION)
        for label, name, told, denied in CUE_FACTS:
            if name == PROXY and c.has(t.CHOICE):
                continue  # "是本人去还是公司去": who goes is asked
            for m in c.of(label):
                at(name, denied if negated else told, m.start, m.end)
            if label == t.NO_OTHER_REGISTRATION and c.has(t.OUT_OF_SCOPE) and c.has(t.HOLDING):
                m = c.of(t.OUT_OF_SCOPE)[0]
                at(OTHER_REGISTRATION, "yes", m.start, m.end)  # "二建还挂在老单位": another registration held
        for m in c.of(t.SITUATION):
            at(TRIP_SITUATION, m.key, m.start, m.end)
        if c.has(t.WRONG) and not c.has(t.VARIANT):
            for m in c.of(t.CERTIFICATE_FIELD)[:1]:
                at(CORRECTION_FIELD, m.key, m.start, m.end)
        for m in c.of(t.FULL_SPECIALTIES):
            at(SPECIALTIES, 2.0, m.start, m.end)

    def _numbers(self, c: _Clause, clause: str, at: Callable[..., None]) -> None:
        """Read the numbers a clause tells: how many specialties the certificate has, the person's age."""
        for mm in self._specialties.finditer(clause):
            n = chinese_number(mm.group(1) or mm.group(2))
            if n is not None:
                at(SPECIALTIES, n, c.start + mm.start(), c.start + mm.end())
        for mm in self._age.finditer(clause):
            n = chinese_number(mm.group(1) or mm.group(2))
            if n is not None and 16 <= n <= 100:
                at(AGE, n, c.start + mm.start(), c.start + mm.end())

    @staticmethod
    def _dated(c: _Clause, dates: list[DateMention], at: Callable[..., None]) -> None:
        """Read what the dates in a clause tell: a birth date, when the certificate expires(d), when something was
        handed in. A date with no direction ("三个月") counts only beside an expiry word, behind an expired one."""
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
        """Read a reply that picks an option by position ("第二个", "最后一个", "2"); a longer message picks one only
        by its first words ("第二个呢，要多久"), not by a position said inside it ("第一次去协会…")."""
        ordinal = {"first": 1.0, "second": 2.0, "third": 3.0, "fourth": 4.0, "fifth": 5.0, "sixth": 6.0, "last": -1.0}
        text = norm.text.strip()
        lead = len(norm.text) - len(norm.text.lstrip())
        if len(text) > MAX_OPTION_REPLY:  # "第二个呢，…": a longer message picks an option only by its first words
            matches = [m for m in matches if m.label == t.ORDINAL and m.start == lead
                       and norm.text[m.end:m.end + 1] in ORDINAL_ENDS]
        for m in matches:
            if m.label == t.ORDINAL:
                s, e = norm.span(m.start, m.end)
                return [Entity(ORDINAL, ordinal[m.key], s, e, norm.original[s:e])]
        bare = _BARE_OPTION.match(text)
        if bare:
            return [Entity(ORDINAL, float(bare.group(1)), 0, len(norm.original), norm.original)]
        return []


def _listed_from(start: int, clauses: list[_Clause], text: str) -> int:
    """Return where a list ending in the clause at start begins ("附件一、手册、证书原件都备齐了": at 附件一)."""
    starts = {c.end: c.start for c in clauses}
    while start > 0 and text[start - 1] == LIST_MARK and start in starts:
        start = starts[start]  # the "、" clause itself
        start = starts.get(start, start)  # the item before it
    return start


def _words_of(kb: KnowledgeBase) -> frozenset[str]:
    """Return the words of the knowledge base's own texts (a noun the documents use is never a subject foreign to
    them: 名单, 建设部, 通告)."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif hasattr(value, "dict"):
            walk(value.dict())

    for records in (kb.procedures, kb.policies, kb.contacts, kb.forms, kb.certificates):
        walk(list(records.values()))
    return frozenset(w for text in texts for w in jieba.cut(text) if len(w) > 1)


def _entity(norm: Normalised, name: str, value: str | float, m: Match, role: str | None = None) -> Entity:
    """Return an entity for a match, at its place in the message as written."""
    s, e = norm.span(m.start, m.end)
    return Entity(name, value, s, e, norm.original[s:e], role)


def _pair_at(pair: WordPair, text: str, across_clauses: bool) -> tuple[int, int, int, int] | None:
    """Return where a pair of words stands in text (start and end of `first`, start and end of the last `then`):
    `first`, then `then` at most `within` characters after it (in the same clause unless across_clauses)."""
    for first in pair.first:
        for fm in re.finditer(re.escape(first), text):
            window = text[fm.end():fm.end() + pair.within]
            if not across_clauses:
                window = _PUNCTUATION.split(window)[0]
            found = [(at, at + len(then)) for then in pair.then if (at := window.find(then)) != -1]
            if found:
                s, e = max(found, key=lambda span: span[1])
                return fm.start(), fm.end(), fm.end() + s, fm.end() + e
    return None


def _boundaries(words: Doc) -> frozenset[int]:
    """Return the word boundaries of a message: jieba's, and every character of a piece jieba made up because it
    knows no word there (a typo: "想注小" is 想 | 注 | 小, where 注小 may be 注销 misheard)."""
    out = {tok.idx for tok in words} | {tok.idx + len(tok.text) for tok in words}
    for tok in words:
        if len(tok.text) > 1 and not t.known_word(tok.text):
            out |= set(range(tok.idx, tok.idx + len(tok.text)))
    return frozenset(out)


def _of_another_place(m: Match, other_places: list[Entity], norm: Normalised) -> bool:
    """Say whether a certificate or body word belongs to another place's body named before it ("杭州市监理协会",
    "上海发的培训证")."""
    if m.label not in OTHER_PLACE_NAMES:
        return False
    s, e = norm.span(m.start, m.end)
    return any(o.start <= s and (e <= o.end or s - o.end <= OF_ANOTHER_PLACE) for o in other_places)


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
