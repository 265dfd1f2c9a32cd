"""The words the language layer looks for: every knowledge-base name and alias, and the lexicon's cue words.

    python -m bot.language.terms        # writes jieba's user dictionary of these words to .build/jieba/
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import jieba

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lexicon import Lexicon
from bot.language.matcher import Entry

USER_DICT_FREQ = 200000

# Labels of knowledge-base words (matched with typos too).
CERT = "CERT"
TRAINING = "TRAINING"
HUZHOU = "HUZHOU"
NATIONAL = "NATIONAL"
MATTER = "MATTER"
RENAME = "RENAME"
COMPANY = "COMPANY"
ASPECT = "ASPECT"
VARIANT = "VARIANT"
FORM = "FORM"
CONTACT = "CONTACT"
POLICY = "POLICY"
OUT_OF_SCOPE = "OOS"
SILENT = "SILENT"
MATERIAL = "MATERIAL"
MATERIAL_ALTERNATIVE = "MATERIAL_ALT"
MATTER_HINT = "MATTER_HINT"
KB_LABELS = frozenset({CERT, TRAINING, HUZHOU, NATIONAL, MATTER, RENAME, COMPANY, ASPECT, VARIANT, FORM, CONTACT,
                       POLICY, OUT_OF_SCOPE, SILENT, MATERIAL, MATERIAL_ALTERNATIVE, MATTER_HINT})

# Labels of words that name things: matched with every kind of typo (phrasings only by sound or shape).
NAMING_LABELS = frozenset({CERT, TRAINING, MATTER, MATTER_HINT, FORM, CONTACT, VARIANT})
# Context words and hints: a fuzzy find may contain them (公司 in "公司更铭" = 公司更名, 续 in "廷续" = 延续).
CONTEXT_LABELS = frozenset({COMPANY, HUZHOU, RENAME, NATIONAL, MATTER_HINT})
# A certificate or matter said inside the name of a material or form still counts.
KEPT_INSIDE_NAMES = frozenset({CERT, TRAINING, NATIONAL, MATTER})
NAMES_OF_THINGS = frozenset({MATERIAL, MATERIAL_ALTERNATIVE, FORM})

# Labels of the lexicon's cue words (matched as typed).
NEGATION = "NEG"
PROXY = "PROXY"
ASKING_FOR = "ASKING_FOR"
IN_PERSON = "IN_PERSON"
READY = "READY"
ONLY_HAVE = "ONLY_HAVE"
OTHER_CERTIFICATE = "OTHER_CERT"
EXPIRED = "EXPIRED"
VALID = "VALID"
NEAR_EXPIRY = "NEAR_EXPIRY"
EXPIRY_WORD = "EXPIRY_WORD"
HOLDING = "HOLDING"
NO_OTHER_REGISTRATION = "NO_OTHER_REG"
TRAINED_HERE = "TRAINED_HERE"
REGION = "REGION"
EMPLOYER = "EMPLOYER"
ORIGIN = "ORIGIN"
SUBMISSION = "SUBMISSION"
CLAUSE_BREAK = "CLAUSE_BREAK"
QUESTION_TAG = "QUESTION_TAG"
PROGRESS = "PROGRESS"
ID_TAIL = "ID_TAIL"
# Cue words that swallow the knowledge-base words inside them ("弄到哪" asks for progress, not for a place).
SWALLOWING = frozenset({PROGRESS})
BIRTH = "BIRTH"
CERTIFICATE_FIELD = "CERT_FIELD"
WRONG = "WRONG"
SITUATION = "SITUATION"
ORDINAL = "ORDINAL"
FULL_SPECIALTIES = "FULL_SPECIALTIES"


def kb_entries(kb: KnowledgeBase, lexicon: Lexicon) -> list[Entry]:
    """Return every knowledge-base name and alias (and the lexicon's hints) with the label and key it stands for."""
    out: list[Entry] = []

    def add(label: str, key: str, words: list[str] | tuple[str, ...]) -> None:
        out.extend(Entry(label, key, w.lower()) for w in words if w)  # messages are read lower-cased

    for c in kb.certificates.values():
        add(CERT, c.key, [c.name, c.short, *c.aliases])
    add(TRAINING, "training", kb.training_aliases)
    add(HUZHOU, "huzhou", kb.huzhou_aliases)
    add(NATIONAL, "N", kb.national_words)
    for m in kb.matters.values():
        add(MATTER, m.key, m.aliases)
    add(RENAME, "rename", kb.rename_words)
    add(COMPANY, "company", kb.company_words)
    for a in kb.aspects:
        add(ASPECT, a.key, a.aliases)
    for f in kb.forms.values():
        add(FORM, f.key, [f.title, *f.names_in_text, *f.aliases])
    for ct in kb.contacts.values():
        add(CONTACT, ct.key, ct.aliases)
    for pol in kb.policies.values():
        add(POLICY, pol.key, pol.aliases)
    add(OUT_OF_SCOPE, "oos", kb.out_of_scope_terms)
    for t in kb.silent_topics:
        add(SILENT, t.topic, t.aliases)
    for p in kb.procedures.values():
        for v in p.variants:
            add(VARIANT, v.key, v.aliases)
            for mat in v.materials:
                add(MATERIAL, mat.id, mat.aliases)
        for visit in p.visits:
            for mat in visit.bring:
                add(MATERIAL, mat.id, mat.aliases)
    hints = lexicon.hints
    for key, words in hints.material_aliases.items():
        add(MATERIAL, key, words)
    for key, words in hints.material_alternatives.items():
        add(MATERIAL_ALTERNATIVE, key, words)
    return list(dict.fromkeys(out))


def lexicon_entries(lexicon: Lexicon) -> list[Entry]:
    """Return the lexicon's cue words with their labels."""
    f = lexicon.facts
    out: list[Entry] = []

    def add(label: str, key: str, words: list[str]) -> None:
        out.extend(Entry(label, key, w) for w in words)

    add(NEGATION, "neg", f.negation)
    add(PROXY, "yes", f.proxy)
    add(ASKING_FOR, "asking", f.asking_for)
    add(IN_PERSON, "no", f.in_person)
    add(READY, "yes", f.all_ready)
    add(ONLY_HAVE, "only", f.only_have)
    add(OTHER_CERTIFICATE, "other", f.other_certificates)
    add(EXPIRED, "expired", f.expired)
    add(VALID, "valid", f.valid)
    add(NEAR_EXPIRY, "near", f.near_expiry)
    add(EXPIRY_WORD, "expiry", f.expiry)
    add(HOLDING, "yes", f.other_registration_holding)
    add(NO_OTHER_REGISTRATION, "no", f.no_other_registration)
    add(TRAINED_HERE, "yes", f.trained_here)
    add(FULL_SPECIALTIES, "2", f.full_specialties)
    add(ORIGIN, "origin", f.origin_words)
    add(SUBMISSION, "submit", f.submission)
    add(CLAUSE_BREAK, "break", f.clause_breaks)
    add(QUESTION_TAG, "question", f.question_tags)
    add(PROGRESS, "progress", f.progress)
    add(ID_TAIL, "tail", f.id_tail)
    add(BIRTH, "birth", f.birth)
    add(WRONG, "wrong", f.wrong_words)
    out.extend(Entry(CERTIFICATE_FIELD, w, w) for w in f.certificate_fields)
    for key, words in f.trip_situations:
        add(SITUATION, key, words)
    for key, words in f.ordinals:
        add(ORDINAL, key, words)
    for region, words in lexicon.regions.regions.items():
        add(REGION, region, words)
    add(EMPLOYER, "employer", lexicon.regions.employer_words)
    for key, words in lexicon.hints.matter_hints.items():  # only hints: matched as typed, never as a typo
        add(MATTER_HINT, key, words)
    return list(dict.fromkeys(out))


def dictionary_words(kb: KnowledgeBase, lexicon: Lexicon) -> list[str]:
    """Return the words jieba should keep whole, longest first."""
    words = {e.alias for e in kb_entries(kb, lexicon) + lexicon_entries(lexicon)} | kb.terms()
    return sorted((w for w in words if w and " " not in w.strip() and len(w) > 1), key=lambda w: (-len(w), w))


def write_user_dictionary(words: list[str], path: Path) -> Path:
    """Write jieba's user dictionary (one 'word freq' a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} {USER_DICT_FREQ}\n" for w in words), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Token:
    """One word of a message: its text, where it starts, and whether it is punctuation only."""

    text: str
    idx: int
    is_punct: bool


class Segmenter:
    """Cut text into words with jieba, the domain words kept whole, as a blank Chinese spaCy pipeline does.

    spaCy 3.4's jieba segmenter (spacy/lang/zh ChineseTokenizer with spacy.util.get_words_and_spaces) is
    reproduced here word for word, without spaCy, whose import brings thinc and TensorFlow into every
    process that reads messages (tests/test_segmenter.py compares the two).
    """

    def __call__(self, text: str) -> list[Token]:
        """Return the words of text, a single space after a word folded into it as spaCy does."""
        words = [w for w in jieba.cut(text, cut_all=False) if w and not w.isspace()]
        out: list[Token] = []
        pos = 0
        for word in words:
            start = text.index(word, pos)
            if start > pos:  # whitespace spaCy keeps as a token of its own
                out.append(_token(text[pos:start], pos))
            out.append(_token(word, start))
            pos = start + len(word)
            if pos < len(text) and text[pos] == " ":
                pos += 1
        if pos < len(text):
            out.append(_token(text[pos:], pos))
        return out


def _token(text: str, idx: int) -> Token:
    return Token(text, idx, all(unicodedata.category(c).startswith("P") for c in text))


def build_pipeline(words: list[str]) -> Segmenter:
    """Return the segmenter: jieba, the domain words kept whole."""
    for word in words:
        jieba.add_word(word, freq=USER_DICT_FREQ)
    jieba.initialize()
    return Segmenter()


def tokens(nlp: Segmenter, text: str) -> list[Token]:
    """Return the tokens of text (jieba segmentation, domain words whole)."""
    return nlp(text)


def main() -> None:
    """Write jieba's user dictionary of the domain words to .build/jieba/."""
    from bot.knowledge.base import default_knowledge
    from bot.knowledge.lexicon import default_lexicon

    path = write_user_dictionary(dictionary_words(default_knowledge(), default_lexicon()),
                                 Path(".build/jieba/kb_terms.txt"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
