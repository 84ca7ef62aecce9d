// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("htmx:responseError", function (event) {
  var box = document.querySelector(".messages");
  if (!box) {
    box = document.createElement("section");
    box.className = "messages";
    document.querySelector("main").prepend(box);
  }
  var p = document.createElement("p");
  p.className = "message message-error";
  p.setAttribute("role", "alert");
  p.textContent = event.detail.xhr.getResponseHeader("X-Collab-Error") ||
    (document.documentElement.lang.indexOf("zh") === 0 ? "操作失败，请刷新页面后重试。" : "The action failed; reload the page and try again.");
  box.appendChild(p);
});
