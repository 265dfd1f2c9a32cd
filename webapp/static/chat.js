/* 对话组件：消息保存在 localStorage，刷新页面后对话仍在；机器人文本一律作为纯文本显示。
   用户消息只保存服务器返回的脱敏文本（X-Masked-Message），身份证号不会留在浏览器里。 */
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

  function bubble(who, text) {
    var item = document.createElement("li");
    item.className = "msg " + who;
    var body = document.createElement("div");
    body.className = "bubble";
    body.textContent = text;  /* never innerHTML: bot text is escaped */
    item.appendChild(body);
    log.appendChild(item);
    return item;
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
  function show(entry, live) {
    var item = bubble(entry.who, entry.text);
    if (entry.who === "bot") quickReplies(item, entry.buttons, live);
    log.scrollTop = log.scrollHeight;
  }
  function disableOldButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".quick-reply"), function (b) { b.disabled = true; });
  }

  function send(message, shown) {
    message = (message || "").trim();
    if (!message) return;
    disableOldButtons();
    var mine = { who: "user", text: shown || message };
    show(mine, false);
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
      replies.forEach(function (m) {
        var entry = { who: "bot", text: String(m.text || ""), buttons: m.buttons || [] };
        state.history.push(entry); show(entry, true);
      });
      save();
    }).catch(function () {
      show({ who: "bot", text: "网络连接失败，请检查网络后重试。" }, false);
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
    state.history.push(hello); save(); show(hello, false);
  }
  if (state.history.length) {
    state.history.forEach(function (entry, i) { show(entry, i === state.history.length - 1); });
  } else {
    greet();
  }
})();
