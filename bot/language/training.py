"""Generate Rasa NLU examples from the knowledge base and lexicon, written the way applicants write.

Templates per intent are filled with the knowledge base's names and synonyms, then a share of them is
roughened as real messages are: a domain word mistyped by sound or shape or with a character dropped,
colloquial fillers, a voice-input run-on without punctuation, traditional characters, a third party asking,
an English word, several aspects in one question.

    python -m bot.language.training            # writes data/nlu/kb_generated.yml
    python -m bot.language.training --holdout results/nlu_holdout.yml   # a test set of new fills
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import jieba
import yaml
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from bot.knowledge import base as aspect
from bot.knowledge.base import KnowledgeBase, default_knowledge
from bot.knowledge.lexicon import Lexicon, default_lexicon
from bot.language import intents as i
from bot.rules.idnumber import check_digit

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "nlu" / "kb_generated.yml"
SEED = 20261121
PER_INTENT = 160
ROUGH_SHARE = 0.55  # share of examples roughened by one or two augmentations

FILLERS_BEFORE = ["嗯", "那个", "就是", "请问", "你好", "麻烦问下", "俺想问下", "问一下", "咨询下", "您好，", "嗯那个",
                  "我想问问"]
FILLERS_AFTER = ["啊", "呀", "呢", "哈", "？", "。", "啊？", "谢谢", "急", "在线等"]
VOICE_JOINS = ["然后", "就是", "那个", "嗯", "就是说"]
THIRD_PARTY = ["我是公司人事，", "帮同事问一下，", "我是单位经办人，", "替我老公问下，", "我是HR，", "帮我爸问问，",
               "我是代办的，", "帮领导问一下，", "我们公司行政问下，", "帮我媳妇问，"]
ENGLISH_SWAPS = {"材料": "documents", "延续": "renew", "证书": "certificate", "电话": "phone number", "地址": "address",
                 "表格": "form", "进度": "status", "上传": "upload", "流程": "process", "多久": "how long"}

CERT_FRAMES = ["{c}", "{c}", "我的{c}", "我这个{c}", "{c}这个证", "手上的{c}"]
MATERIALS = [
    "{c}{m}要带什么", "{m}需要准备哪些材料", "办{c}{m}得交啥", "{c}{m}的材料清单发我下", "{m}要带啥东西",
    "{c}{m}要交哪些资料", "{m}的话要拿什么去", "{c}办{m}需要提供什么证件", "{m}要原件还是复印件", "{c}{m}提交什么",
    "想办{m}，要准备些啥", "{c}{m}除了申请表还要啥", "{m}都要些什么东西啊", "{c}{m}得备哪些", "去协会办{m}带哪些",
    "{c}{m}，要带的东西有哪些", "{m}要交什么资料给你们", "{c}{m}需要啥手续材料",
]
CONDITIONS = [
    "{c}{m}要满足什么条件", "什么情况下能{m}", "{m}有啥要求", "{c}{m}有没有年龄限制", "我这种情况能{m}吗",
    "{c}{m}的受理条件是什么", "{m}对有效期有要求吗", "哪些人可以申请{m}", "{c}能不能办{m}", "{c}{m}符合啥条件才给办",
    "{m}最早能提前多久", "{c}过期了还能{m}吗", "什么样的单位能{m}", "{c}{m}够不够条件", "{m}有什么限制没有",
]
PROCESS = [
    "{c}{m}的流程是咋样的", "{m}去哪办", "{c}{m}怎么申报", "{m}的办理程序", "{c}{m}在哪个地方办理", "{m}先干啥后干啥",
    "{c}{m}是单位去办还是个人去办", "{m}手续怎么走", "{c}{m}要去现场吗", "{m}审核通过以后还要干嘛", "{c}{m}交到哪",
    "{m}在系统里怎么报", "{c}{m}批下来后去哪领", "{m}能让别人代办吗", "{c}{m}交到哪个窗口",
]
TIME = [
    "{c}{m}多久能办好", "{m}要几个工作日", "{c}{m}办下来要多长时间", "{m}多少天能拿到证", "{c}{m}什么时候能打印证书",
    "{m}的办理时限是多少", "{c}{m}审核要几天", "{m}当天能拿到吗", "{c}{m}大概啥时候能好", "交了材料多久能批下来",
    "{m}几天能审完", "{c}{m}要等多久", "{m}什么时候能拿新证",
]
FORMS = [
    "{c}{m}要填哪张表", "{m}用哪个附件", "{c}{m}的申请表是哪个", "{m}需要填写什么表格", "办{m}填附件几", "{f}怎么填",
    "{f}要本人签字吗", "{f}上要填些啥", "{f}要盖公章吗", "{f}是干什么用的", "{f}哪些事项要用", "{f}在哪下载",
    "{m}那张表要单位盖章不", "{f}有哪些栏目",
]
GUIDE = [
    "{c}{m}怎么办理", "我要办{c}{m}", "{m}怎么弄", "{c}{m}", "想咨询一下{c}{m}", "{c}{m}的办事指南", "{m}咋办",
    "帮我说说{c}{m}", "{c}{m}有什么注意事项", "{c}{m}咋整", "{m}怎么搞啊", "{c}要{m}，怎么处理",
]
MULTI = ["{a1}，{a2}", "{a1}，还有{a2}", "{a1}？{a2}？", "{a1} {a2} {a3}", "{a1}，{a2}，{a3}"]
# Ways to ask one aspect, for questions asking several at once (the aspect's intent: knowledge/aspects.yml).
ASPECT_PHRASES = {
    aspect.MATERIALS: ["要带啥", "交什么材料", "准备哪些东西"],
    aspect.TIME: ["多久能好", "几天能拿到", "要几个工作日"],
    aspect.PROCESS: ["去哪办", "流程是啥", "交到哪"],
    aspect.CONTACT: ["找谁问", "电话多少", "打哪个号"],
    aspect.CONDITIONS: ["有啥条件", "有年龄要求吗", "能不能办"],
    aspect.FORMS: ["填哪张表", "用附件几"],
}
CONTACT = [
    "{o}电话多少", "{o}在哪", "{o}的地址是什么", "怎么联系{o}", "{o}联系人是谁", "{o}怎么走", "打哪个电话能问清楚{t}",
    "{t}找谁", "{t}打哪个电话", "{t}问谁", "{o}的联系方式给一下", "有{o}的号码吗", "{t}该咨询哪里", "{o}电话和地址",
]
CONTACT_TOPICS = ["监理系统登不上去", "系统报错了", "监理锁坏了", "注册审查的事", "资料传错了想撤回", "省里的监理工程师的事",
                  "技术问题", "注册审查有问题", "加密锁插上没反应", "系统里点不动"]
POLICY = [
    "最多跑一次是什么意思", "什么叫零次跑", "{s}算不算多跑", "{s}，这算跑了一趟吗", "最多跑一次具体怎么算",
    "国家注册现在还要交社保证明吗", "2018年那个通知说了啥", "注册还要上传社保吗", "纸质承诺书还用交吗",
    "{s}再去一趟算多跑吗", "材料不全被退回算不算一次", "跑一次的标准是什么", "注销了以后还能重新登记吗",
    "注销能不能让别人代办", "省平台的证是自动延续的吗", "书面材料不合格会怎么处理",
]
SITUATIONS_TOLD = ["去协会问了问啥也没办", "材料没带全被退回来", "表格填错了被打回", "手续不全没办成", "只是上门咨询了一下",
                   "材料都带齐了还让我再跑一趟"]
ONE_TRIP = [
    "我的情况能不能只跑一次", "能一次办好吗", "去一趟能办成吗", "要跑几趟", "{c}{m}跑一趟能办完不",
    "{sit}，{c}{m}能一次办成吗", "{c}{m}{sit}，去一趟能办好不", "带齐材料去{c}{m}是不是跑一次就行", "{m}会不会白跑",
    "{c}{m}要往省厅跑几趟", "{sit}，现在去办{m}来得及吗", "我{sit}，{m}能办不", "{c}{m}最多跑一次吗",
    "{sit}能一趟搞定{m}吗", "{m}是不是去一次就完事了", "{c}{m}得去几次", "{sit} 去协会{m}中不中",
]
FACT_PHRASES = [
    "我今年{age}岁", "今年{age}了", "证书{when}到期", "证{when}就到期了", "证书{past}刚过期", "证书已经过期了",
    "材料都备齐了", "东西都准备好了", "{mat}还没拿到", "{mat}还没开出来", "新单位在{city}", "新公司是{city}的",
    "我让{who}替我去", "{who}帮我去办", "我本人去", "名下没有其他注册证书", "我{other}还挂在老单位",
    "证上已经有{n}个专业", "证书还在有效期", "还有{n}个月到期", "没在湖州协会报名培训过", "是通过湖州协会报名的",
]
WHEN = ["明年三月", "下个月", "后年五月", "年底", "明年一月底", "还有两个月", "大后年春天", "下下个月", "明年六月底"]
PAST = ["上个月", "上礼拜", "前几天", "去年", "上周"]
CITIES = ["杭州", "宁波", "嘉兴", "上海", "江苏", "安徽", "湖州", "德清", "长兴", "金华", "南京"]
WHO = ["同事", "家里人", "朋友", "我老婆", "公司的人"]
OTHER = ["一建", "二建", "造价工程师", "消防工程师"]
STATUS = [
    "查进度", "查一下我的{m}办到哪了", "我的申请到哪一步了", "帮我看看{m}办得怎么样了", "{m}审核了吗", "我的材料受理了没有",
    "{m}办好了没有", "查询办理状态", "我交的资料现在什么情况", "能查一下我的件吗", "我上周交的{m}批了没", "{m}走到哪一步了",
    "帮我查查{m}进度", "我的{m}通过没", "想知道{m}办结没有", "查下我的申请", "{m}现在啥状态",
]
IDENTITY = ["{id}", "{id} {n}", "{n} {id}", "身份证号{id}，姓名{n}", "姓名：{n} 身份证：{id}", "{n}，{id}", "我叫{n}，身份证{id}",
            "身份证{id}", "{id}，名字叫{n}", "证件号码{id}", "{n} 身份证号 {id} 查一下", "帮我查 {id} {n}", "{n}",
            "姓名{n}", "我叫{n}", "名字是{n}", "{id} 查进度", "身份证号是{id}"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华飞鑫波宁建国红梅晨婷浩宇欣然思远子涵志强海燕"
AREAS = ["110101", "320106", "440304", "510104", "330106", "330502", "330521", "420106", "370202", "610103", "350203",
         "330782", "330203", "330424", "330327"]
CHOICE = ["{c}", "我的是{c}", "{c}的", "就是{c}", "{c}那本", "{c}那种", "就是那个{c}", "{c}那个", "我说的是{c}",
          "嗯{c}的", "是{c}那个证"]
OUT_OF_SCOPE = [
    "{o}怎么报名", "{o}证书丢了咋补", "{o}要继续教育吗", "{o}换单位怎么变更", "{o}到期了咋延期", "{o}注册要带啥",
    "{o}考试什么时候", "我是{o}，证书要怎么办", "{o}的注册证书弄丢了", "{o}怎么考", "今天天气怎么样", "帮我写首诗",
    "附近有什么好吃的", "股票能买吗", "你们招聘吗", "公司资质怎么升级", "职称怎么评", "继续教育学时怎么查",
]


@lru_cache(maxsize=1)
def _common_characters() -> dict[str, list[str]]:
    """Return common characters grouped by pinyin, from jieba's dictionary (for homophone typos)."""
    jieba.initialize()
    freq: dict[str, int] = {}
    for word, n in jieba.dt.FREQ.items():
        if len(word) == 1 and "\u4e00" <= word <= "\u9fff" and n > 2000:
            freq[word] = n
    groups: dict[str, list[str]] = {}
    for ch in sorted(freq, key=lambda c: -freq[c]):
        groups.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return groups


class Generator:
    """Fill and roughen templates with one knowledge base and lexicon."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, rng: random.Random) -> None:
        self.kb = kb
        self.lexicon = lexicon
        self.rng = rng
        self.t2s_inverse = OpenCC("s2t")
        self.certs = [""] * 4 + [w for c in kb.certificates.values() for w in (c.short, *c.aliases[:10])] + \
            list(kb.training_aliases[:8])
        self.matters = [w for m in kb.matters.values() for w in m.aliases]
        self.forms = [w for f in kb.forms.values() for w in (f.key, f.title, *f.aliases)]
        self.contacts = [c.name for c in kb.contacts.values()] + [a for c in kb.contacts.values() for a in c.aliases[:3]]
        self.materials = [a for p in kb.procedures.values() for v in p.variants for m in v.materials for a in m.aliases]
        self.domain_words = sorted({*self.certs, *self.matters, *self.forms, *self.materials} - {""},
                                   key=lambda w: (len(w), w))
        self.confusable = {meant: typed for typed, meant in lexicon.typos.confusable_characters}

    # ------------------------------------------------------------------ filling
    def pick(self, words: list[str]) -> str:
        return self.rng.choice(words)

    def fill(self, template: str) -> str:
        """Fill one template's blanks."""
        values: dict[str, Callable[[], str]] = {
            "c": lambda: self.pick(CERT_FRAMES).format(c=self.pick(self.certs)) if self.rng.random() < 0.8 else "",
            "m": lambda: self.pick(self.matters), "f": lambda: self.pick(self.forms),
            "o": lambda: self.pick(self.contacts), "t": lambda: self.pick(CONTACT_TOPICS),
            "s": lambda: self.pick(SITUATIONS_TOLD), "sit": self.fact, "age": lambda: str(self.rng.randint(40, 70)),
        }
        out = template
        for key, make in values.items():
            while "{" + key + "}" in out:
                out = out.replace("{" + key + "}", make(), 1)
        return out

    def fact(self) -> str:
        """Return one statement of a fact of a person's case."""
        phrase = self.pick(FACT_PHRASES)
        return phrase.format(age=self.rng.randint(35, 70), when=self.pick(WHEN), past=self.pick(PAST),
                             mat=self.pick(self.materials), city=self.pick(CITIES), who=self.pick(WHO),
                             other=self.pick(OTHER), n=self.rng.choice(["一", "两", "俩", "2", "1"]))

    # ------------------------------------------------------------------ roughening
    def typo_by_sound(self, text: str) -> str:
        """Mistype one character of a domain word by a common character with the same pinyin."""
        words = [w for w in self.domain_words if len(w) >= 2 and w in text]
        if not words:
            return text
        word = self.pick(words)
        i = self.rng.randrange(len(word))
        same = [c for c in _common_characters().get(lazy_pinyin(word[i], style=Style.NORMAL)[0], []) if c != word[i]]
        return text.replace(word, word[:i] + self.pick(same[:6]) + word[i + 1:], 1) if same else text

    def typo_by_shape(self, text: str) -> str:
        """Type a look-alike character for one the lexicon lists."""
        meant = sorted(c for c in self.confusable if c in text)
        if not meant:
            return text
        char = self.pick(meant)
        return text.replace(char, self.confusable[char], 1)

    def drop_character(self, text: str) -> str:
        """Drop one inner character of a domain word of three or more characters."""
        words = [w for w in self.domain_words if len(w) >= 3 and w in text]
        if not words:
            return text
        word = self.pick(words)
        i = self.rng.randrange(1, len(word) - 1)
        return text.replace(word, word[:i] + word[i + 1:], 1)

    def colloquial(self, text: str) -> str:
        return self.pick(FILLERS_BEFORE) + text + (self.pick(FILLERS_AFTER) if self.rng.random() < 0.5 else "")

    def voice(self, text: str) -> str:
        """Write a voice-input run-on: no punctuation, fillers between clauses."""
        for p in "，。？！,.?!、；;":
            text = text.replace(p, self.pick(VOICE_JOINS) if self.rng.random() < 0.5 else "")
        return self.pick(["嗯", "那个", "嗯那个", ""]) + text

    def traditional(self, text: str) -> str:
        return self.t2s_inverse.convert(text)

    def third_party(self, text: str) -> str:
        return self.pick(THIRD_PARTY) + text

    def english(self, text: str) -> str:
        """Write one word in English, as mixed-language messages do."""
        swaps = [w for w in ENGLISH_SWAPS if w in text]
        if not swaps:
            return text
        word = self.pick(swaps)
        return text.replace(word, ENGLISH_SWAPS[word], 1)

    def roughen(self, text: str) -> str:
        """Apply one or two of the augmentations."""
        ways = [self.typo_by_sound, self.typo_by_sound, self.typo_by_shape, self.drop_character, self.colloquial,
                self.colloquial, self.voice, self.traditional, self.third_party, self.english]
        for way in self.rng.sample(ways, self.rng.choice([1, 1, 2])):
            text = way(text)
        return text

    # ------------------------------------------------------------------ intents
    def examples(self, templates: list[str], n: int = PER_INTENT) -> list[str]:
        """Return n distinct filled, partly roughened examples."""
        seen: set[str] = set()
        for _ in range(n * 30):
            if len(seen) >= n:
                break
            text = self.fill(self.pick(templates)).strip("，, ")
            if self.rng.random() < ROUGH_SHARE:
                text = self.roughen(text)
            if text:
                seen.add(text)
        return sorted(seen)

    def multi_aspect(self, intent: str) -> list[str]:
        """Return questions asking several aspects at once, led by one intent's aspect."""
        out = set()
        lead_aspect = self.kb.aspect_of_intent()[intent]
        others = [k for k in ASPECT_PHRASES if k != lead_aspect]
        for _ in range(25):
            phrases = [self.pick(ASPECT_PHRASES[lead_aspect]), *(self.pick(ASPECT_PHRASES[k]) for k in
                                                                 self.rng.sample(others, 2))]
            lead = self.fill("{c}{m}")
            out.add(lead + self.pick(MULTI).format(a1=phrases[0], a2=phrases[1], a3=phrases[2]))
        return sorted(out)

    def identity(self) -> list[str]:
        """Return messages giving an ID number and/or a name, in the ways people write them."""
        out = set()
        surnames = self.lexicon.names.surnames[:120]
        for _ in range(PER_INTENT + 40):
            number = self.id_number()
            written = self.rng.choice([number, number.lower(), f"{number[:6]} {number[6:14]} {number[14:]}",
                                       f"{number[:6]}-{number[6:14]}-{number[14:]}", " ".join(
                                           number[i:i + 4] for i in range(0, 18, 4)),
                                       number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))])
            name = self.pick(surnames) + "".join(self.rng.sample(GIVEN, self.rng.choice([1, 2])))
            out.add(self.pick(IDENTITY).format(id=written, n=name))
        return sorted(out)

    def id_number(self) -> str:
        """Return a random valid resident ID number (never a real person's: random area, date, sequence)."""
        first = (self.pick(AREAS) + f"{self.rng.randint(1950, 2000)}{self.rng.randint(1, 12):02d}"
                 f"{self.rng.randint(1, 28):02d}{self.rng.randint(0, 999):03d}")
        return first + check_digit(first)

    def all(self) -> dict[str, list[str]]:
        """Return every generated intent's examples."""
        choice_certs = [w for c in self.kb.certificates.values() for w in (c.name, c.short, *c.aliases)]
        return {
            i.ASK_MATERIALS: self.examples(MATERIALS) + self.multi_aspect(i.ASK_MATERIALS),
            i.ASK_CONDITIONS: self.examples(CONDITIONS) + self.multi_aspect(i.ASK_CONDITIONS),
            i.ASK_PROCESS: self.examples(PROCESS) + self.multi_aspect(i.ASK_PROCESS),
            i.ASK_TIME: self.examples(TIME) + self.multi_aspect(i.ASK_TIME),
            i.ASK_FORMS: self.examples(FORMS, 120),
            i.ASK_GUIDE: self.examples(GUIDE),
            i.ASK_CONTACT: self.examples(CONTACT, 120) + self.multi_aspect(i.ASK_CONTACT),
            i.ASK_POLICY: self.examples(POLICY, 100),
            i.ASK_ONE_TRIP: self.examples(ONE_TRIP, 180),
            i.INFORM_SITUATION: self.examples(FACT_PHRASES + [p + "，" + q for p in FACT_PHRASES[:6]
                                                               for q in FACT_PHRASES[6:12]], 140),
            i.CHECK_STATUS: self.examples(STATUS, 120),
            i.INFORM_IDENTITY: self.identity(),
            i.INFORM_CERTIFICATE: sorted({self.pick(CHOICE).format(c=c) for c in choice_certs for _ in range(2)}),
            i.OUT_OF_SCOPE: self.examples(OUT_OF_SCOPE, 140),
        }


def render(kb: KnowledgeBase, lexicon: Lexicon, *, withheld: frozenset[str] | set[str] = frozenset(),
           seed: int = SEED) -> str:
    """Return the generated NLU file as YAML text, leaving out any message in `withheld` (evaluation messages)."""
    examples = Generator(kb, lexicon, random.Random(seed)).all()
    lines = ['version: "3.1"', "# Generated by `python -m bot.language.training` from knowledge/; do not edit.", "nlu:"]
    taken: set[str] = set(withheld)
    for intent, texts in examples.items():
        kept = [t for t in dict.fromkeys(texts) if t.strip() and t not in taken]
        taken |= set(kept)
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines += [f"      - {t}" for t in kept]
    return "\n".join(lines) + "\n"


def evaluation_messages() -> set[str]:
    """Return every message of the evaluation and held-out sets, which generated data must never contain."""
    root = Path(__file__).resolve().parents[2]
    files = [*(root.parent / "shared" / "eval").glob("*.yml"), *(root / "tests" / "data").glob("heldout_*.yml")]
    return {str(turn["user"]).strip() for f in files for case in yaml.safe_load(f.read_text(encoding="utf-8")) or []
            for turn in case.get("turns", [])}


def training_messages() -> set[str]:
    """Return every example of the NLU training data."""
    root = Path(__file__).resolve().parents[2] / "data" / "nlu"
    out: set[str] = set()
    for f in root.glob("*.yml"):
        for block in yaml.safe_load(f.read_text(encoding="utf-8")).get("nlu", []):
            out |= {line[2:].strip() for line in str(block.get("examples", "")).splitlines() if line.startswith("- ")}
    return out


def main(argv: list[str]) -> None:
    """Write data/nlu/kb_generated.yml; with `--holdout FILE`, write a test set of new fills instead (another seed,
    nothing that is in the training data), for `make nlu-quality`."""
    kb, lexicon = default_knowledge(), default_lexicon()
    if argv[:1] == ["--holdout"]:
        path = Path(argv[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(kb, lexicon, withheld=evaluation_messages() | training_messages(), seed=SEED + 1),
                        encoding="utf-8")
        print(f"wrote {path}")
        return
    OUTPUT.write_text(render(kb, lexicon, withheld=evaluation_messages()), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
