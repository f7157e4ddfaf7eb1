/* Minwon chat widget loader. A city page embeds it with one tag:
 *   <script src="https://minwon.example.go.kr/widget.js" data-lang="ko" defer></script>
 * It adds a chat button; the button opens the chat panel (an iframe served by Minwon, which
 * the city's host must be allowed to frame: MINWON_WIDGET__ALLOWED_HOSTS). Escape or the
 * panel's close button closes it and gives focus back to the button. An open panel reopens
 * after a reload of the page, with the conversation kept. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__minwonWidget) return;
  window.__minwonWidget = true;
  var origin = new URL(script.src, location.href).origin;
  var LABELS = __MINWON_LABELS__;
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "ko").slice(0, 2).toLowerCase();
  if (!LABELS[lang]) lang = "ko";
  var OPEN_KEY = "minwon-widget-open";

  var button = document.createElement("button");
  button.type = "button";
  button.id = "minwon-launcher";
  button.lang = lang;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "minwon-panel");
  button.textContent = LABELS[lang].open;
  var b = button.style;
  b.position = "fixed"; b.right = "20px"; b.bottom = "20px"; b.zIndex = "2147483646";
  b.minHeight = "48px"; b.padding = "12px 20px"; b.border = "2px solid #ffffff";
  b.borderRadius = "999px"; b.background = "#0b3d91"; b.color = "#ffffff";
  b.font = "600 16px/1.2 system-ui, 'Noto Sans CJK KR', sans-serif"; b.cursor = "pointer";
  b.boxShadow = "0 2px 8px rgba(0,0,0,.3)";

  var frame = null;
  function open(focus) {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "minwon-panel";
      frame.title = LABELS[lang].title;
      frame.src = origin + "/widget?lang=" + encodeURIComponent(lang);
      frame.setAttribute("allow", "camera");
      var f = frame.style;
      f.position = "fixed"; f.right = "20px"; f.bottom = "84px"; f.zIndex = "2147483647";
      f.width = "min(420px, calc(100vw - 40px))"; f.height = "min(640px, calc(100vh - 104px))";
      f.border = "1px solid #5f6b7a"; f.borderRadius = "12px"; f.background = "#ffffff";
      f.boxShadow = "0 6px 24px rgba(0,0,0,.25)";
      document.body.appendChild(frame);
      frame.addEventListener("load", function () { if (frame.dataset.focus) post("focus"); });
    }
    frame.hidden = false;
    button.setAttribute("aria-expanded", "true");
    try { sessionStorage.setItem(OPEN_KEY, "1"); } catch (e) { /* private mode */ }
    if (focus) { frame.dataset.focus = "1"; post("focus"); }
  }
  function close() {
    if (frame) frame.hidden = true;
    button.setAttribute("aria-expanded", "false");
    try { sessionStorage.removeItem(OPEN_KEY); } catch (e) { /* private mode */ }
    button.focus();
  }
  function post(type) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage({ minwon: type }, origin);
  }
  button.addEventListener("click", function () {
    if (frame && !frame.hidden) close(); else open(true);
  });
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data) return;
    if (event.data.minwon === "close") close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && frame && !frame.hidden) close();
  });
  function start() {
    document.body.appendChild(button);
    var wasOpen = false;
    try { wasOpen = sessionStorage.getItem(OPEN_KEY) === "1"; } catch (e) { wasOpen = false; }
    if (wasOpen) open(false);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
