/* 对话组件：消息保存在 localStorage，刷新页面后对话仍在。
   机器人的答复带结构（answer，见 bot/answers/model.py）时按标题、分节、可勾选的材料、可拨打的电话、表格链接和依据显示，
   否则显示纯文本。页面上的文字一律用 textContent 写入，从不用 innerHTML。
   用户消息只保存服务器返回的脱敏文本（X-Masked-Message），身份证号不会留在浏览器里。
   结束一个问题的答复（带 turn）下面有“有用 / 没用”评价；选“没用”后可再选原因，评价随对话保存。 */
(function () {
  "use strict";
  var KEY = "jl-chat-v1";
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var typing = document.getElementById("chat-typing");
  var sendButton = document.getElementById("chat-send");

  function newSender() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "s" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY));
      if (saved && saved.sender && Array.isArray(saved.history)) return saved;
    } catch (e) { /* start afresh */ }
    return { sender: newSender(), history: [] };
  }
  var state = load();
  function save() {
    state.history = state.history.slice(-200);
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;  /* never innerHTML: bot text is escaped */
    return node;
  }
  function newTab(link) {
    link.target = "_blank";
    link.rel = "noopener";
    return link;
  }
  function bubble(who, body) {
    var item = el("li", "msg " + who);
    item.appendChild(body);
    log.appendChild(item);
    return item;
  }
  function textBubble(text) {
    return el("div", "bubble", text);
  }

  /* Write a text into a node, making each of the answer's phone numbers a tel: link. */
  function withPhoneLinks(node, text, numbers) {
    var rest = String(text);
    while (rest) {
      var at = -1, found = "";
      numbers.forEach(function (n) {
        var i = rest.indexOf(n);
        if (i >= 0 && (at < 0 || i < at)) { at = i; found = n; }
      });
      if (at < 0) { node.appendChild(document.createTextNode(rest)); break; }
      if (at > 0) node.appendChild(document.createTextNode(rest.slice(0, at)));
      var call = el("a", "tel", found);
      call.href = "tel:" + found;
      node.appendChild(call);
      rest = rest.slice(at + found.length);
    }
    return node;
  }
  function formLink(key) {
    var link = newTab(el("a", "form-link", "在线填写、打印" + key));
    link.href = "/forms/" + encodeURIComponent(key);
    return link;
  }
  function sectionBlock(section, numbers) {
    var block = el("section", "sec sec-" + section.kind);
    if (section.heading) block.appendChild(el("h4", "sec-heading", section.heading));
    if (section.text) block.appendChild(withPhoneLinks(el("p", "sec-text"), section.text, numbers));
    var items = section.items || [];
    if (items.length) {
      var list = el(items.length > 1 ? "ol" : "ul", "items");
      items.forEach(function (item) {
        var entry = el("li");
        var words = withPhoneLinks(el("span"), item.text, numbers);
        if (item.checkable) {
          var tick = el("label", "tick");
          var box = el("input");
          box.type = "checkbox";
          tick.appendChild(box);
          tick.appendChild(words);
          entry.appendChild(tick);
        } else {
          entry.appendChild(words);
        }
        if (item.form) entry.appendChild(formLink(item.form));
        list.appendChild(entry);
      });
      block.appendChild(list);
    }
    return block;
  }
  function offersChecklist(answer) {
    return answer.kind === "procedure" || (answer.kind === "verdict" && answer.verdict !== "ask");
  }
  function answerCard(answer) {
    var card = el("div", "bubble answer answer-" + answer.kind + (answer.verdict ? " verdict-" + answer.verdict : ""));
    var phones = answer.phones || [];
    var numbers = phones.map(function (p) { return p.number; });
    if (answer.title) card.appendChild(el("h3", "answer-title", answer.title));
    (answer.sections || []).forEach(function (s) { card.appendChild(sectionBlock(s, numbers)); });
    var said = card.textContent;
    var calls = phones.filter(function (p) { return said.indexOf(p.number) < 0; });
    if (calls.length) {
      var row = el("p", "calls");
      calls.forEach(function (p) {
        var call = el("a", "tel call", p.name + " " + p.number);
        call.href = "tel:" + p.number;
        row.appendChild(call);
      });
      card.appendChild(row);
    }
    var linked = Array.prototype.map.call(card.querySelectorAll(".form-link"), function (a) { return a.textContent; });
    var actions = el("p", "answer-actions");
    if (offersChecklist(answer)) {
      var codes = answer.procedures || [];
      codes.forEach(function (code, i) {
        var print = newTab(el("a", "action checklist-link", "打印办事清单" + (codes.length > 1 ? "（" + (i + 1) + "）" : "")));
        print.href = "/checklist/" + encodeURIComponent(code);
        actions.appendChild(print);
      });
    }
    (answer.forms || []).forEach(function (key) {
      var link = formLink(key);
      if (linked.indexOf(link.textContent) < 0) actions.appendChild(link);
    });
    if (actions.childNodes.length) card.appendChild(actions);
    if (answer.source) card.appendChild(el("p", "answer-source", "依据：" + answer.source));
    return card;
  }
  function quickReplies(item, buttons, live) {
    if (!buttons || !buttons.length) return;
    var row = document.createElement("div");
    row.className = "quick";
    buttons.forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "quick-reply";
      btn.textContent = b.title;
      btn.disabled = !live;
      btn.addEventListener("click", function () { send(b.payload || b.title, b.title); });
      row.appendChild(btn);
    });
    item.appendChild(row);
  }
  var REASONS = [["off_point", "没答到点上"], ["wrong", "信息不对"], ["unclear", "看不懂"], ["other", "其他"]];
  function rateButton(label, className, pressed, onClick) {
    var b = el("button", className, label);
    b.type = "button";
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", onClick);
    return b;
  }
  /* The rating row under a reply: 有用 / 没用, then (after 没用) the optional reason; the choice is kept in history. */
  function ratingRow(item, entry) {
    var row = el("div", "rate");
    function draw(note) {
      row.textContent = "";
      row.appendChild(el("span", "rate-ask", "这个回答有用吗？"));
      row.appendChild(rateButton("有用", "rate-btn rate-useful", entry.rating === "useful",
                                 function () { rate("useful", null); }));
      row.appendChild(rateButton("没用", "rate-btn rate-not-useful", entry.rating === "not_useful",
                                 function () { rate("not_useful", null); }));
      if (entry.rating === "not_useful") {
        var reasons = el("div", "rate-reasons");
        reasons.appendChild(el("span", "rate-ask", "哪里不好？（可不选）"));
        REASONS.forEach(function (r) {
          reasons.appendChild(rateButton(r[1], "rate-reason", entry.reason === r[0],
                                         function () { rate("not_useful", r[0]); }));
        });
        row.appendChild(reasons);
      }
      if (note) row.appendChild(el("span", "rate-note", note));
      else if (entry.rating) row.appendChild(el("span", "rate-note", "谢谢您的评价"));
    }
    function rate(rating, reason) {
      fetch("/api/ratings", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sender, turn: entry.turn, rating: rating, reason: reason })
      }).then(function (r) {
        if (!r.ok) { draw("评价没有保存，请稍后再试"); return; }
        entry.rating = rating; entry.reason = reason; save(); draw();
      }).catch(function () { draw("网络连接失败，评价没有保存"); });
    }
    draw();
    item.appendChild(row);
  }
  function show(entry, live) {
    var item = bubble(entry.who, entry.answer ? answerCard(entry.answer) : textBubble(entry.text));
    if (entry.who === "bot") quickReplies(item, entry.buttons, live);
    if (entry.who === "bot" && entry.turn) ratingRow(item, entry);
    return item;
  }
  /* Bring a new reply into view: its start when it is longer than the log's height, else the end of the log. */
  function reveal(first) {
    var top = first.offsetTop - 8;
    log.scrollTop = log.scrollHeight - top > log.clientHeight ? top : log.scrollHeight;
  }
  function disableOldButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".quick-reply"), function (b) { b.disabled = true; });
  }

  function send(message, shown) {
    message = (message || "").trim();
    if (!message) return;
    disableOldButtons();
    var mine = { who: "user", text: shown || message };
    reveal(show(mine, false));
    typing.hidden = false; sendButton.disabled = true;
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message })
    }).then(function (r) {
      var masked = r.headers.get("X-Masked-Message");
      if (!shown) mine.text = masked !== null ? decodeURIComponent(masked) : "（消息已发送）";
      state.history.push(mine);
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      var replies = res.ok ? res.data : [{ text: (res.data && res.data.detail && res.data.detail[0] && res.data.detail[0].msg) || (res.data && res.data.detail) || "抱歉，出了点问题，请稍后再试。" }];
      if (!replies.length) replies = [{ text: "抱歉，我没有找到答案。" }];
      var first = null;
      replies.forEach(function (m) {
        var entry = { who: "bot", text: String(m.text || ""), buttons: m.buttons || [], answer: m.answer || null,
                      turn: m.turn || null };
        state.history.push(entry);
        var item = show(entry, true);
        first = first || item;
      });
      save();
      reveal(first);
    }).catch(function () {
      reveal(show({ who: "bot", text: "网络连接失败，请检查网络后重试。" }, false));
    }).then(function () {
      typing.hidden = true; sendButton.disabled = false; input.focus();
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
  });
  document.getElementById("chat-reset").addEventListener("click", function () {
    state = { sender: newSender(), history: [] }; save();
    log.innerHTML = "";
    greet();
  });
  function greet() {
    var hello = { who: "bot", text: "您好！我是监理工程师证书办事助手，可以解答办理材料、条件、时间和联系电话，查询办理进度，判断能否“最多跑一次”。请问有什么可以帮您？" };
    state.history.push(hello); save(); reveal(show(hello, false));
  }
  if (state.history.length) {
    var lastReply = null;
    state.history.forEach(function (entry, i) {
      var item = show(entry, i === state.history.length - 1);
      if (entry.who === "user") lastReply = null;
      else lastReply = lastReply || item;
    });
    reveal(lastReply || log.lastChild);
  } else {
    greet();
  }
})();
