/* 工作人员控制台：复制电话号码或整个办事清单，便于电话里念给来电者或粘贴到消息里。 */
(function () {
  "use strict";
  function copyBySelection(text) {
    var buffer = document.createElement("textarea");
    buffer.value = text;
    buffer.setAttribute("readonly", "");
    buffer.className = "copy-buffer";
    document.body.appendChild(buffer);
    buffer.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(buffer);
    return ok;
  }
  function tell(button, ok) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = ok ? "已复制" : "无法复制，请手动选择";
    setTimeout(function () { button.textContent = button.dataset.label; }, 1500);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { tell(button, true); },
                                               function () { tell(button, copyBySelection(text)); });
    } else {
      tell(button, copyBySelection(text));
    }
  });
})();
