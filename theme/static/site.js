// docgen default theme: theme toggle (persists in localStorage), copy buttons, mobile nav drawer.
// Loaded synchronously in <head> so the saved theme applies before the first paint.
(function () {
  "use strict";
  var KEY = "docgen-theme";
  var root = document.documentElement;
  try {
    var saved = localStorage.getItem(KEY);
    if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);
  } catch (e) { /* storage disabled: follow the system preference */ }

  function currentTheme() {
    var explicit = root.getAttribute("data-theme");
    if (explicit) return explicit;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function addCopyButtons() {
    document.querySelectorAll("figure.code-block").forEach(function (figure) {
      var code = figure.querySelector("pre code");
      if (!code || figure.querySelector(".copy-button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        // Console blocks copy only the commands, without prompts or output.
        var commands = code.querySelectorAll(".console-command");
        var text = commands.length
          ? Array.prototype.map.call(commands, function (c) { return c.innerText.replace(/\n$/, ""); }).join("\n")
          : code.innerText;
        var done = function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { button.textContent = "Press Ctrl+C"; });
        }
      });
      figure.appendChild(button);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".theme-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var next = currentTheme() === "dark" ? "light" : "dark";
        root.setAttribute("data-theme", next);
        try { localStorage.setItem(KEY, next); } catch (e) { /* not persisted */ }
      });
    }
    var navToggle = document.querySelector(".nav-toggle");
    if (navToggle) {
      navToggle.addEventListener("click", function () {
        var open = document.body.classList.toggle("nav-open");
        navToggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    addCopyButtons();
  });
})();
