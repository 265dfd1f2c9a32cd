/* 在任意网页加入：<script src="{{ origin }}/embed.js" async></script> */
(function () {
  if (document.getElementById("jl-chat-launcher")) return;
  var origin = {{ origin | tojson }};
  var button = document.createElement("button");
  button.id = "jl-chat-launcher";
  button.type = "button";
  button.textContent = "在线咨询";
  button.setAttribute("style", "position:fixed;right:16px;bottom:16px;z-index:2147483646;padding:12px 18px;border:0;border-radius:24px;background:#1a5fb4;color:#fff;font-size:16px;box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer");
  var frame = document.createElement("iframe");
  frame.src = origin + "/widget";
  frame.title = "监理工程师证书办事助手";
  frame.setAttribute("style", "position:fixed;right:16px;bottom:72px;z-index:2147483647;width:min(380px,calc(100vw - 32px));height:min(560px,calc(100vh - 96px));border:1px solid #ccc;border-radius:12px;background:#fff;display:none");
  button.addEventListener("click", function () {
    frame.style.display = frame.style.display === "none" ? "block" : "none";
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
