"""The words the language layer looks for: every knowledge-base name and alias, and the lexicon's cue words.

    python -m bot.language.terms        # writes jieba's user dictionary of these words to .build/jieba/
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import jieba

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.lexicon import Lexicon
from bot.language.matcher import Entry

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

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
FORM_FIELD = "FORM_FIELD"  # a field of a form ("性别", "联系电话"), named in a question about a form
KB_LABELS = frozenset({CERT, TRAINING, HUZHOU, NATIONAL, MATTER, RENAME, COMPANY, ASPECT, VARIANT, FORM, CONTACT,
                       POLICY, OUT_OF_SCOPE, SILENT, MATERIAL, MATERIAL_ALTERNATIVE, MATTER_HINT, FORM_FIELD})

# Labels of words that name things: matched with every kind of typo (phrasings only by sound or shape).
NAMING_LABELS = frozenset({CERT, TRAINING, MATTER, MATTER_HINT, FORM, CONTACT, VARIANT})
# Context words and hints: a fuzzy find may contain them (公司 in "公司更铭" = 公司更名, 续 in "廷续" = 延续).
CONTEXT_LABELS = frozenset({COMPANY, HUZHOU, RENAME, NATIONAL, MATTER_HINT})
# A certificate or matter said inside the name of a material or form still counts.
KEPT_INSIDE_NAMES = frozenset({CERT, TRAINING, NATIONAL, MATTER})
NAMES_OF_THINGS = frozenset({MATERIAL, MATERIAL_ALTERNATIVE, FORM, ASPECT})  # "怎么变更" still says 变更

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
CHOICE = "CHOICE"  # 还是: options weighed
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
    for word in dict.fromkeys(w for f in kb.forms.values() for w in f.field_words):
        add(FORM_FIELD, word, [word])
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
    add(CHOICE, "choice", f.choice_words)
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


def matter_words(kb: KnowledgeBase, lexicon: Lexicon) -> list[str]:
    """Return the words that name or hint at a matter (the words people most often mistype)."""
    return sorted({a for m in kb.matters.values() for a in m.aliases} |
                  {w for words in lexicon.hints.matter_hints.values() for w in words})


def write_user_dictionary(words: list[str], path: Path) -> Path:
    """Write jieba's user dictionary (one 'word freq' a line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} {USER_DICT_FREQ}\n" for w in words), encoding="utf-8")
    return path


def build_pipeline(words: list[str]) -> Language:
    """Return a blank Chinese spaCy pipeline segmenting with jieba, the domain words kept whole.

    spaCy is imported here, not with this module: the processes that only name words (the action server's name
    reader, the web app's pages) never load it.
    """
    import spacy

    for word in words:
        jieba.add_word(word, freq=USER_DICT_FREQ)
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def known_word(word: str) -> bool:
    """Say whether jieba knows a word (its dictionary, or ours), rather than making it up from unknown characters."""
    return bool(jieba.dt.FREQ.get(word))


def tokens(nlp: Language, text: str) -> Doc:
    """Return the tokens of text (jieba segmentation, domain words whole)."""
    return nlp.make_doc(text)


def main() -> None:
    """Write jieba's user dictionary of the domain words to .build/jieba/."""
    from bot.knowledge.base import default_knowledge
    from bot.knowledge.lexicon import default_lexicon

    path = write_user_dictionary(dictionary_words(default_knowledge(), default_lexicon()),
                                 Path(".build/jieba/kb_terms.txt"))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
