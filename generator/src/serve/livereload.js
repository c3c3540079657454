// docgen serve's live-reload client: injected only by `docgen serve`, never into `docgen build` output.
// Reloads the page when the site changes and shows build errors (path:line:col, the source line, the
// message) and tutorial results in an overlay. Built with DOM calls and textContent only: messages are
// never parsed as HTML.
(function () {
  "use strict";
  var OVERLAY_ID = "docgen-overlay";
  // The site version this page was served from (`?v=N` on this script's URL).
  var pageVersion = new URL(document.currentScript.src).searchParams.get("v");
  var TUTORIAL_ID = "docgen-tutorial";

  function el(tag, style, text) {
    var node = document.createElement(tag);
    Object.assign(node.style, style || {});
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function panel(id, title, colour) {
    var old = document.getElementById(id);
    if (old) old.remove();
    var box = el("div", {
      position: "fixed", left: "0", right: "0", zIndex: "2147483647", maxHeight: "70vh", overflow: "auto",
      background: "#1e1e1e", color: "#eee", font: "14px/1.5 ui-monospace, monospace", padding: "16px 20px",
      borderTop: "4px solid " + colour, boxShadow: "0 -4px 24px rgba(0,0,0,.4)", bottom: "0",
    });
    box.id = id;
    box.setAttribute("role", "alert");
    var close = el("button", { float: "right", background: "none", color: "#eee", border: "1px solid #777",
      borderRadius: "4px", cursor: "pointer", font: "inherit" }, "close");
    close.type = "button";
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    box.appendChild(el("strong", { color: colour, display: "block", marginBottom: "8px" }, title));
    return box;
  }

  function showErrors(diagnostics) {
    var box = panel(OVERLAY_ID, "docgen: build failed; showing the last good version", "#ff6b6b");
    diagnostics.forEach(function (d) {
      var item = el("div", { margin: "10px 0" });
      item.className = "docgen-error";
      item.appendChild(el("div", { color: "#8cc8ff" }, d.location));
      if (d.source_line !== null) {
        item.appendChild(el("pre", { margin: "4px 0", padding: "4px 8px", background: "#2d2d2d",
          whiteSpace: "pre-wrap" }, d.source_line));
      }
      item.appendChild(el("div", {}, d.message));
      if (d.hint) item.appendChild(el("div", { color: "#aaa" }, "help: " + d.hint));
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }

  function hideErrors() {
    var box = document.getElementById(OVERLAY_ID);
    if (box) box.remove();
  }

  function showTutorial(result) {
    // The server repeats its latest result on every connect: a failure stays in view until fixed,
    // a pass is shown once per tab.
    var seen = "docgen-tutorial-run";
    if (result.passed && sessionStorage.getItem(seen) === String(result.run)) return;
    sessionStorage.setItem(seen, String(result.run));
    var title = result.path + (result.passed ? ": tutorial passed" : ": tutorial failed");
    var box = panel(TUTORIAL_ID, title, result.passed ? "#51cf66" : "#ffa94d");
    if (!result.passed) {
      box.appendChild(el("pre", { margin: "0", whiteSpace: "pre-wrap" }, result.report));
    }
    box.style.bottom = "auto";
    box.style.top = "0";
    document.body.appendChild(box);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/__docgen/ws");
    // Lets tests (and curious authors in devtools) see that live reload is connected.
    socket.addEventListener("open", function () { document.documentElement.dataset.docgenLive = "connected"; });
    socket.addEventListener("message", function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "hello") {
        // The site changed between this page's request and this connection: the reload was missed.
        if (String(message.version) !== pageVersion) location.reload();
      } else if (message.type === "reload") location.reload();
      else if (message.type === "errors") showErrors(message.diagnostics);
      else if (message.type === "ok") hideErrors();
      else if (message.type === "tutorial") showTutorial(message);
    });
    // The server restarted or the laptop slept: keep trying; the server sends its state on connect.
    socket.addEventListener("close", function () {
      delete document.documentElement.dataset.docgenLive;
      setTimeout(connect, 500);
    });
  }

  connect();
})();
