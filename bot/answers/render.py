"""Render answers in Chinese from knowledge-base records; no fact is written here."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.knowledge.base import Contact, KnowledgeBase, Material, Procedure

PROVIDE_WORDS = {
    "original": "原件",
    "copy": "复印件",
    "copy_checked": "复印件，原件核对",
    "original_or_copy": "原件或复印件",
}


@dataclass
class Reply:
    """One bot message: text and optional quick-reply buttons."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def numbered(items: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


class Answers:
    """Build replies from one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    # ------------------------------------------------------------------ contacts
    def contact_line(self, contact: Contact) -> str:
        """Return one line naming a contact with its phone, address and person."""
        bits = []
        if contact.address:
            bits.append(f"地址：{contact.address}")
        if contact.person:
            bits.append(f"联系人：{contact.person}")
        if contact.phones:
            bits.append("电话：" + "、".join(contact.phones))
        line = contact.name + (f"（{'；'.join(bits)}）" if bits else "")
        if contact.note:
            line += f"。{contact.note}"
        return line

    def contact(self, keys: list[str]) -> Reply:
        """Answer a question about contacts."""
        parts = []
        for key in keys:
            c = self.kb.contacts[key]
            parts.append(f"{c.name}：{c.handles}。\n" + self.contact_line(c) + f"\n（依据：{self.kb.cite(c.source)}）")
        return Reply("\n\n".join(parts))

    def fallback_contacts(self) -> str:
        """Return the phone numbers to give when the assistant cannot answer."""
        hz = self.kb.contacts["huzhou_association"]
        zj = self.kb.contacts["zhejiang_association"]
        return (f"培训合格证事项请咨询{hz.name}，电话 {'、'.join(hz.phones)}；"
                f"浙江省监理工程师的咨询可拨打{'、'.join(zj.phones)}。")

    # ------------------------------------------------------------------ forms and policies
    def form(self, key: str) -> Reply:
        """Describe a form: its title, what it is used for, its fields and signatures."""
        f = self.kb.forms[key]
        used = "、".join(self.kb.procedures[c].title for c in f.used_by)
        lines = [f"{f.key}《{f.title}》", f"用于：{used}。"]
        if set(f.names_in_text) - {f.title}:
            lines.append("办理事项中的名称：" + "、".join(f.names_in_text) + "。")
        lines.append("需要填写：" + "、".join(f.fields) + "。")
        if f.signatures:
            lines.append("签字盖章：" + "、".join(f.signatures) + "。")
        return Reply("\n".join(lines))

    def policy(self, key: str, situation: str | None = None) -> Reply:
        """State a policy in the seed's words, with its caveat."""
        p = self.kb.policies[key]
        text = f"{p.title}：\n{p.text}"
        if key == "not_extra_trip":
            text = "不算多跑。" + text
        if p.note:
            text += f"\n说明：{p.note}"
        return Reply(text + f"\n（依据：{self.kb.cite(p.source)}）")

    # ------------------------------------------------------------------ procedures
    def _materials(self, p: Procedure, variant: str | None) -> list[str]:
        if not p.variants:
            return ["不需要准备材料：" + p.summary]
        chosen = p.variant(variant)
        variants = [chosen] if chosen else list(p.variants)
        lines: list[str] = []
        for v in variants:
            if len(p.variants) > 1:
                lines.append(f"【{v.name}】应提交下列材料：")
            else:
                lines.append("需要提交的材料：")
            lines.append(numbered([m.text for m in v.materials]))
        if p.uploads:
            lines.append(f"在企业版注册监理工程师管理系统申报时上传：{p.uploads}。")
        if p.collection_materials:
            lines.append("审核通过、名单公布后领取或贴条时携带：" + "、".join(p.collection_materials) + "。")
        return lines

    def _conditions(self, p: Procedure) -> list[str]:
        if not p.conditions:
            if p.certificate == "N":
                return ["文件没有为此事项单列受理条件，按以下程序申报即可：", *p.steps[:2]]
            return [p.summary]
        lines = ["受理条件（必须符合）："]
        lines.append(numbered([c.text for c in p.conditions]))
        lines += [f"说明：{c.note}" for c in p.conditions if c.note]
        return lines

    def _place(self, p: Procedure) -> str:
        return "办理地点：" + self.contact_line(self.kb.contacts[p.handler])

    def _process(self, p: Procedure) -> list[str]:
        lines = [f"办理程序（{p.applicant}办理）：", *p.steps]
        if p.trips:
            lines.append(self._place(p))
        return lines

    def _time(self, p: Procedure) -> list[str]:
        lines = ["办理时间：", *p.time.text]
        if p.printing:
            lines.append("证书打印：" + p.printing.text)
        return lines

    def _collection(self, p: Procedure) -> list[str]:
        if p.printing:
            return ["证书打印：" + p.printing.text]
        collect = [s for s in p.steps if "领取" in s or "审核通过" in s]
        if not collect:
            return ["文件中此事项没有领取证书的步骤。", *p.steps]
        return collect

    def _forms(self, p: Procedure) -> list[str]:
        with_form = [m for v in p.variants for m in v.materials if m.form]
        if not with_form:
            return ["此事项不使用协会的附件表格。", *self._materials(p, None)]
        seen: dict[str, Material] = {m.form: m for m in with_form if m.form}
        return [f"{key}《{self.kb.forms[key].title}》（办理事项中称“{m.text.split('（')[0]}”）"
                for key, m in seen.items()]

    def _proxy(self, p: Procedure) -> list[str]:
        in_person = p.condition("in_person")
        if in_person:
            return [f"不能。{in_person.text}，须由{p.applicant}办理。", *p.steps]
        lines = [f"文件写明由{p.applicant}办理：", *p.steps]
        if p.certificate == "N":
            lines.append("领取或贴条可由本人或企业代办人员携带单位介绍信办理。")
        return lines

    def _trips(self, p: Procedure) -> list[str]:
        words = {0: "零次跑", 1: "跑一次", 2: "受理和领取各到窗口一次"}[p.trips]
        return [f"材料齐全、符合受理条件时：{words}。", p.trips_text]

    def procedure(self, codes: list[str], aspects: list[str], variant: str | None = None, *,
                  facts: object = None) -> Reply:
        """Answer aspects of a procedure (interim: one section per aspect)."""
        mapped = {"place": "process", "contact": "process", "uploads": "materials", "fields": "forms"}
        wanted = list(dict.fromkeys(mapped.get(a, a) for a in aspects)) or ["guide"]
        return Reply("\n\n".join(self._procedure(codes, a, variant).text for a in wanted))

    def _procedure(self, codes: list[str], aspect: str, variant: str | None = None) -> Reply:
        """Answer one aspect of a procedure (or of two the seed words identically)."""
        procs = [self.kb.procedures[c] for c in codes]
        parts = []
        if len(procs) > 1 and procs[0].certificate == procs[1].certificate:
            parts.append("文件中“遗失补办”有两项（第4项和第9项），材料不同，两项都照原文列出：")
            for p in procs:
                parts.append(self._section(p, aspect, variant, notes=False))
            parts.append("具体按哪一项办理，请向省厅2号窗口确认。")
        else:
            p = procs[0]
            body = self._section(p, aspect, variant, notes=True)
            if len(procs) > 1 or p.same_as:
                others = [self.kb.procedures[c] for c in codes[1:]] or [self.kb.procedures[p.same_as]]
                body += "\n（" + "与".join([p.title, *[o.title for o in others]]) + "的办理要求原文完全相同。）"
            parts.append(body)
        return Reply("\n\n".join(parts))

    def _section(self, p: Procedure, aspect: str, variant: str | None, *, notes: bool) -> str:
        body: list[str] = [f"【{p.title}】"]
        if aspect == "guide":
            body.append(p.summary)
            body += self._conditions(p) if p.conditions else []
            body += self._materials(p, variant) + self._process(p) + self._time(p) + self._trips(p)[:1]
        else:
            render = {
                "materials": self._materials, "conditions": lambda p, v: self._conditions(p),
                "process": lambda p, v: self._process(p), "time": lambda p, v: self._time(p),
                "collection": lambda p, v: self._collection(p), "forms": lambda p, v: self._forms(p),
                "proxy": lambda p, v: self._proxy(p), "trips": lambda p, v: self._trips(p),
            }[aspect]
            body += render(p, variant)
        if notes and p.notes and aspect not in ("forms", "trips"):
            body.append("注意：\n" + "\n".join(f"- {n}" for n in p.notes))
        body.append(f"（依据：{self.kb.cite(p.source)}）")
        return "\n".join(body)

    # ------------------------------------------------------------------ clarifying
    def certificate_title(self, key: str, matter: str | None) -> str:
        """Return a button title for a certificate, noting when P and H share the procedure."""
        cert = self.kb.certificates[key]
        if key == "P" and matter:
            procs = self.kb.find("P", matter)
            if procs and any(p.same_as == procs[0].code for p in self.kb.procedures.values()):
                return "专业监理工程师培训合格证（全省统一平台或湖州市，办法相同）"
        return cert.name

    def clarify_certificate(self, options: list[str], matter: str | None) -> Reply:
        """Ask which certificate a question is about, with one button each."""
        what = self.kb.matters[matter].name if matter else "这项业务"
        buttons = [{"title": self.certificate_title(k, matter), "payload": self.kb.certificates[k].name}
                   for k in options]
        lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
        return Reply(f"请问您要办理{what}的是哪一种证书？\n" + "\n".join(lines), buttons)

    def clarify_matter(self, certificate: str | None) -> Reply:
        """Ask which matter, offering the procedures of a certificate (or the certificates)."""
        if certificate is None:
            buttons = [{"title": c.name, "payload": c.name} for c in self.kb.certificates.values()]
            return Reply("请问您咨询的是哪一种证书的哪项业务？可以先选证书：", buttons)
        cert = self.kb.certificates[certificate]
        procs = [p for p in self.kb.procedures.values() if p.certificate == certificate]
        buttons = [{"title": p.title, "payload": p.title} for p in procs]
        return Reply(f"{cert.name}可以办理以下事项，请问您要办哪一项？", buttons)

    def no_such_procedure(self, matter: str, certificate: str | None) -> Reply:
        """Say the documents have no such procedure, and list what they do have."""
        what = self.kb.matters[matter].name
        if certificate is None:
            return Reply(f"两份文件中没有“{what}”的办理事项。{self.fallback_contacts()}")
        cert = self.kb.certificates[certificate]
        have = "、".join(self.kb.matters[p.matter].name for p in self.kb.procedures.values()
                        if p.certificate == certificate)
        return Reply(f"文件中没有{cert.name}“{what}”的办理事项，文件对此没有规定。"
                     f"{cert.name}可办理的事项有：{have}。\n{self.fallback_contacts()}")

    def silent(self, topic: str) -> Reply:
        """Say the documents do not state something, rather than guess."""
        return Reply(f"两份办事文件都没有写明{topic}，我不能替您猜测。\n" + self.fallback_contacts())

    def not_understood(self) -> Reply:
        """Say the question was not understood, and whom to call."""
        return Reply("抱歉，我没能理解您的问题。" + self._scope_and_contacts())

    def _scope_and_contacts(self) -> str:
        return ("我只能解答全省统一平台专业监理工程师培训合格证、湖州市监理工程师培训合格证和国家注册监理工程师注册证书的"
                "办理事项。\n" + self.fallback_contacts())

    def out_of_scope(self) -> Reply:
        """Say honestly the question is outside the documents, with the numbers to call."""
        return Reply("抱歉，这个问题不在我能回答的范围内。" + self._scope_and_contacts())

    def menu(self) -> Reply:
        """List what the assistant can do, as quick replies."""
        buttons = [
            {"title": "办理需要哪些材料", "payload": "办理证书需要哪些材料"},
            {"title": "查询办理进度", "payload": "我想查询办理进度"},
            {"title": "能不能只跑一次", "payload": "我的情况能不能只跑一次"},
            {"title": "联系电话和地址", "payload": "湖州市监理协会的联系电话和地址"},
        ]
        return Reply("我可以帮您：查询各类证书的办理材料、受理条件、办理程序和时间；"
                     "按身份证号查询办理进度；判断您的情况能否“最多跑一次”；提供联系电话和地址。", buttons)
