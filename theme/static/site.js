// docgen default theme: colour theme switch (light / dark / system, remembered), sidebar sections that
// expand and stay as the reader left them, the phone drawer (backdrop, Escape, focus trap, inert when
// closed), "On this page" scrollspy, copy buttons, keyboard access to scrolling code and tables.
// Loaded synchronously in <head> so the saved theme applies before the first paint; the rest waits for
// DOMContentLoaded. The search box is theme/static/search.js.
(function () {
  "use strict";
  var THEME_KEY = "docgen-theme";
  var NAV_KEY = "docgen-nav";
  var root = document.documentElement;

  function load(key) {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: the choice lasts for this page only */ }
  }

  var saved = load(THEME_KEY);
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);

  // ---- colour theme: three buttons, exactly one pressed --------------------------------------------
  function setupThemeSwitch() {
    var buttons = document.querySelectorAll("[data-theme-choice]");
    function show() {
      var choice = root.getAttribute("data-theme") || "system";
      buttons.forEach(function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-theme-choice") === choice ? "true" : "false");
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var choice = button.getAttribute("data-theme-choice");
        if (choice === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", choice);
        save(THEME_KEY, choice === "system" ? null : choice);
        show();
      });
    });
    show();
  }

  // ---- sidebar: expandable sections, remembered across pages ---------------------------------------
  function navState() {
    try { return JSON.parse(load(NAV_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (list) list.hidden = !open;
  }
  // A page carries only the top level and the way to itself; the whole tree comes once per site in
  // nav.js (window.DOCGEN_NAV) and replaces it here, with the page's entry marked and its sections open.
  function placeWholeTree(sidebar) {
    var shown = sidebar.querySelector(".nav-list");
    if (typeof window.DOCGEN_NAV !== "string" || !shown) return;
    var template = document.createElement("template");
    template.innerHTML = window.DOCGEN_NAV;
    var tree = template.content.querySelector(".nav-list");
    if (!tree) return;
    // Under relative URLs the tree's links are relative to the site root; the page says its way up.
    var root = sidebar.getAttribute("data-nav-root");
    if (root) {
      tree.querySelectorAll("a[href]").forEach(function (link) {
        var href = link.getAttribute("href");
        if (!/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) link.setAttribute("href", root + href);
      });
    }
    var currentId = sidebar.getAttribute("data-nav-current");
    var current = currentId && tree.querySelector('a[data-nav-id="' + currentId + '"]');
    if (current) {
      current.setAttribute("aria-current", "page");
      for (var item = current.closest("li"); item; item = item.parentElement.closest("li")) {
        var button = item.querySelector(":scope > .nav-row > .nav-expand");
        var list = item.querySelector(":scope > .nav-list");
        if (button) button.setAttribute("aria-expanded", "true");
        if (list) list.hidden = false;
      }
    }
    shown.replaceWith(tree);
  }
  function setupSidebar(sidebar) {
    placeWholeTree(sidebar);
    var state = navState();
    sidebar.querySelectorAll(".nav-expand").forEach(function (button) {
      var id = button.getAttribute("aria-controls");
      var list = document.getElementById(id);
      // The section holding the current page always starts open; the others as the reader left them.
      var holdsCurrent = list && list.querySelector("[aria-current=page]");
      if (!holdsCurrent && Object.prototype.hasOwnProperty.call(state, id)) setExpanded(button, state[id] === true);
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        setExpanded(button, open);
        var next = navState();
        next[id] = open;
        save(NAV_KEY, JSON.stringify(next));
      });
    });
    // Bring the current page into view inside the sidebar only (scrollIntoView would scroll the page).
    var current = sidebar.querySelector("a[aria-current=page]");
    if (current && sidebar.scrollHeight > sidebar.clientHeight) {
      var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
      if (top > sidebar.clientHeight - 48) sidebar.scrollTop = top - sidebar.clientHeight / 3;
    }
  }

  // ---- phone drawer ---------------------------------------------------------------------------------
  function setupDrawer(sidebar) {
    var toggle = document.querySelector(".nav-toggle");
    var backdrop = document.querySelector(".nav-backdrop");
    if (!toggle) return;
    var narrow = window.matchMedia("(max-width: 48rem)");
    function isOpen() { return document.body.classList.contains("nav-open"); }
    function focusables() {
      return [toggle].concat(Array.prototype.filter.call(
        sidebar.querySelectorAll("a[href], button"),
        function (el) { return el.offsetParent !== null; }));
    }
    function sync() {
      // Closed on a narrow screen, the drawer is off screen: keep it out of the Tab order and the
      // accessibility tree.
      sidebar.inert = narrow.matches && !isOpen();
    }
    function close(returnFocus) {
      if (!isOpen()) return;
      document.body.classList.remove("nav-open");
      toggle.setAttribute("aria-expanded", "false");
      if (backdrop) backdrop.hidden = true;
      sync();
      if (returnFocus) toggle.focus();
    }
    function open() {
      document.body.classList.add("nav-open");
      toggle.setAttribute("aria-expanded", "true");
      if (backdrop) backdrop.hidden = false;
      sync();
      var first = sidebar.querySelector("a[aria-current=page]") || sidebar.querySelector("a[href]");
      if (first) first.focus();
    }
    toggle.addEventListener("click", function () {
      if (isOpen()) close(true); else open();
    });
    if (backdrop) backdrop.addEventListener("click", function () { close(true); });
    sidebar.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a[href]")) close(false);
    });
    document.addEventListener("keydown", function (event) {
      if (!isOpen()) return;
      if (event.key === "Escape") {
        event.preventDefault();
        close(true);
      } else if (event.key === "Tab") {
        // Focus stays in the drawer (and its button) while it is open.
        var items = focusables();
        var at = items.indexOf(document.activeElement);
        var step = event.shiftKey ? -1 : 1;
        event.preventDefault();
        items[at < 0 ? 0 : (at + step + items.length) % items.length].focus();
      }
    });
    var onChange = function () {
      if (!narrow.matches) close(false);
      sync();
    };
    if (narrow.addEventListener) narrow.addEventListener("change", onChange); else narrow.addListener(onChange);
    sync();
  }

  // ---- "On this page": scrollspy on wide screens, a menu that closes after a jump on narrow ones -----
  function setupToc() {
    var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#'], .toc-menu a[href^='#']"));
    var menu = document.querySelector(".toc-menu");
    if (menu) {
      menu.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest("a")) menu.open = false;
      });
    }
    if (links.length === 0) return;
    var ids = [];
    links.forEach(function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      if (ids.indexOf(id) < 0) ids.push(id);
    });
    var headings = ids.map(function (id) { return document.getElementById(id); }).filter(Boolean);
    var currentId = null;
    function mark() {
      var offset = parseFloat(getComputedStyle(root).scrollPaddingTop) || 0;
      var id = headings.length ? headings[0].id : null;
      headings.forEach(function (h) {
        if (h.getBoundingClientRect().top <= offset + 8) id = h.id;
      });
      // At the very bottom the last heading is the one being read, however short its section.
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2 && headings.length) {
        id = headings[headings.length - 1].id;
      }
      if (id === currentId) return;
      currentId = id;
      links.forEach(function (a) {
        var on = a.getAttribute("href") === "#" + encodeURIComponent(id) || a.getAttribute("href") === "#" + id;
        a.classList.toggle("active", on);
        if (on) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
      });
    }
    var queued = false;
    window.addEventListener("scroll", function () {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(function () { queued = false; mark(); });
    }, { passive: true });
    window.addEventListener("hashchange", mark);
    mark();
  }

  // ---- code and tables ------------------------------------------------------------------------------
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
      // With a file name the button sits in the caption row, beside the name, never over it.
      var caption = figure.querySelector(".code-file");
      if (caption) caption.appendChild(button); else figure.appendChild(button);
    });
  }

  // A region that scrolls sideways must be reachable by keyboard to be scrolled.
  function focusableScrollers() {
    document.querySelectorAll(".content pre, .content table").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupThemeSwitch();
    var sidebar = document.getElementById("sidebar");
    if (sidebar) {
      setupSidebar(sidebar);
      setupDrawer(sidebar);
    }
    setupToc();
    addCopyButtons();
    focusableScrollers();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(focusableScrollers, 150);
    });
  });
})();
