// docgen search box: the only search code every page loads. It wires up `#search-input` and
// `#search-results`, and only when the reader focuses the box (or presses `/`) fetches the search core
// (Snowball's stemmer and its runtime, and search-core.js: their URLs are this script's `data-stemmer`,
// `data-stemmer-runtime` and `data-core`) and the
// bundle's manifest (`data-manifest` on the input). Results: one entry per page with its best sections as
// sub-results, excerpts cut around the matched words. Over http(s) bundle files are fetched and cached with
// the Cache API (search keeps working offline); from `file://`, where `fetch` is refused, each file is
// loaded through its `.js` twin written by the index stage. Plain JavaScript, no build step.
(function () {
  "use strict";

  var script = document.currentScript;
  var pending = new Map(); // bundle file key → {resolve, reject} while its `.js` twin loads

  /** Called by a bundle file's `.js` twin with the file's bytes in base64. */
  function receive(key, base64) {
    var waiting = pending.get(key);
    if (!waiting) return;
    pending.delete(key);
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    waiting.resolve(bytes);
  }
  window.DocgenSearch = { receive: receive };

  /** Add a script tag; `ordered` ones download in parallel but run in the order they were added. */
  function loadScript(src, ordered) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      if (ordered) tag.async = false;
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () {
        reject(new Error("cannot load " + src));
      };
      document.head.appendChild(tag);
    });
  }

  /** `file://` fetcher: inject the twin script `URL.js` and wait for it to call `receive`. */
  function fetchThroughScript(url) {
    var key = url.slice(url.lastIndexOf("/search/") + "/search/".length);
    return new Promise(function (resolve, reject) {
      pending.set(key, { resolve: resolve, reject: reject });
      loadScript(url + ".js").catch(function (error) {
        pending.delete(key);
        reject(error);
      });
    });
  }

  /** http(s) fetcher: cache-first through the Cache API (every bundle file is fingerprinted). */
  async function fetchCached(url) {
    var cache = null;
    if (typeof caches !== "undefined") {
      try {
        cache = await caches.open("docgen-search-v2");
        var hit = await cache.match(url);
        if (hit) return new Uint8Array(await hit.arrayBuffer());
      } catch (e) {
        cache = null;
      }
    }
    var response = await fetch(url);
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
    if (cache) {
      try {
        await cache.put(url, response.clone());
      } catch (e) {
        // A full or unavailable cache only costs offline support.
      }
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  /** An excerpt ({text, marks}) as HTML with the marked ranges in <mark>. */
  function excerptHtml(cut) {
    var html = "", at = 0;
    cut.marks.forEach(function (m) {
      html += escapeHtml(cut.text.slice(at, m[0])) + "<mark>" + escapeHtml(cut.text.slice(m[0], m[1])) + "</mark>";
      at = m[1];
    });
    return html + escapeHtml(cut.text.slice(at));
  }

  /** A result's link. Page URLs in the index are site paths (`/guide/`). On a site built with
   * `relative_urls` (its manifest URL is relative) they are resolved against the site root, the folder
   * above `search/`, with `index.html` spelled out as the pages' own links are, so results work from
   * `file://`; otherwise they get the site's path (base_url's, e.g. `/docs/`), the part of the manifest
   * URL before `search/`. */
  function hitUrl(doc, siteRoot, sitePath) {
    var url = doc.url;
    if (siteRoot) url = new URL(url.replace(/^\//, "") + (url.endsWith("/") ? "index.html" : ""), siteRoot).href;
    else url = sitePath + url.replace(/^\//, "");
    return doc.anchor ? url + "#" + doc.anchor : url;
  }

  function attach(input, results) {
    var index = null, loading = null, active = -1, sequence = 0, siteRoot = null, sitePath = "/";
    results.setAttribute("role", "listbox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", results.id);
    input.setAttribute("autocomplete", "off");

    /** Fetch the core and the manifest once, on first use. */
    function load() {
      if (loading) return loading;
      var manifestUrl = input.getAttribute("data-manifest");
      var core = script && script.getAttribute("data-core");
      var stemmer = script && script.getAttribute("data-stemmer");
      var runtime = script && script.getAttribute("data-stemmer-runtime");
      loading = (async function () {
        if (!manifestUrl || !core || !stemmer || !runtime) throw new Error("this page names no search index");
        if (!window.DocgenSearchCore) {
          await Promise.all([runtime, stemmer, core].map(function (src) {
            return loadScript(new URL(src, document.baseURI).href, true);
          }));
        }
        var fetcher = location.protocol === "file:" ? fetchThroughScript : fetchCached;
        var manifestHref = new URL(manifestUrl, document.baseURI).href;
        if (!manifestUrl.startsWith("/")) siteRoot = new URL("../", manifestHref).href;
        else sitePath = manifestUrl.slice(0, manifestUrl.lastIndexOf("search/"));
        index = await window.DocgenSearchCore.SearchIndex.load(manifestHref, fetcher);
      })();
      return loading;
    }

    // ARIA combobox pattern: the listbox holds only options (grouped by page); a message ("no results") is
    // a status shown in the same dropdown while it is not a listbox, and the combobox is then collapsed.
    function show(html, isListbox) {
      results.innerHTML = html;
      results.hidden = html === "";
      if (isListbox) results.setAttribute("role", "listbox"); else results.removeAttribute("role");
      input.setAttribute("aria-expanded", html !== "" && isListbox ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
    }

    function showMessage(text, kind) {
      show("<p class=\"search-message search-" + kind + "\" role=\"status\">" + escapeHtml(text) + "</p>", false);
    }

    /** Close the dropdown, keeping the query (Escape once, a click elsewhere). */
    function close() {
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function setActive(i) {
      var items = results.querySelectorAll(".search-hit");
      if (items.length === 0) return;
      active = (i + items.length) % items.length;
      items.forEach(function (item, n) {
        item.setAttribute("aria-selected", n === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function renderPages(pages, docs, terms) {
      var core = window.DocgenSearchCore, wanted = new Set(terms), n = 0, at = 0;
      var length = index.manifest.ranking.excerpt_length;
      return pages.map(function (page) {
        var html = "<div class=\"search-page\" role=\"group\">";
        page.sections.forEach(function (_, s) {
          var doc = docs[at++], cut = core.excerpt(doc.text, wanted, index.stopTerms, length);
          var sub = s > 0, id = "search-hit-" + n++;
          var section = doc.sectionTitle && doc.sectionTitle !== doc.pageTitle
            ? "<span class=\"search-hit-section\">" + escapeHtml(doc.sectionTitle) + "</span>" : "";
          html += "<a class=\"search-hit" + (sub ? " search-sub" : "") + "\" role=\"option\" id=\"" + id +
            "\" href=\"" + escapeHtml(hitUrl(doc, siteRoot, sitePath)) + "\">" +
            (sub ? "" : "<span class=\"search-hit-title\">" + escapeHtml(doc.pageTitle) + "</span>") + section +
            "<span class=\"search-hit-excerpt\">" + excerptHtml(cut) + "</span></a>";
        });
        return html + "</div>";
      }).join("");
    }

    async function run() {
      var query = input.value, mine = ++sequence;
      if (query.trim() === "") {
        show("", false);
        active = -1;
        return;
      }
      try {
        await load();
      } catch (error) {
        if (mine === sequence) {
          showMessage("Search is unavailable: the search index could not be loaded (" + error.message + ").",
            "error");
        }
        loading = null;
        return;
      }
      if (mine !== sequence) return;
      try {
        var pages = await index.search(query, { prefix: true, limit: 10 });
        var ordinals = [];
        pages.forEach(function (page) {
          page.sections.forEach(function (hit) {
            ordinals.push(hit.ordinal);
          });
        });
        var docs = await index.documents(ordinals);
        if (mine !== sequence) return;
        if (pages.length === 0) {
          showMessage("No results for “" + query.trim() + "”.", "empty");
          active = -1;
          return;
        }
        show(renderPages(pages, docs, pages.terms), true);
        setActive(0);
      } catch (error) {
        if (mine === sequence) {
          showMessage("Search failed: " + error.message + ". Check your connection and try again.", "error");
        }
      }
    }

    input.addEventListener("focus", function () {
      load().catch(function () {
        loading = null; // reported when the reader types
      });
    });
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter") {
        var items = results.querySelectorAll(".search-hit");
        if (items.length > 0) {
          event.preventDefault();
          window.location.href = items[Math.max(active, 0)].href;
        }
      } else if (event.key === "Escape") {
        // First Escape closes the list, a second one clears the query.
        event.preventDefault();
        if (!results.hidden) {
          close();
        } else if (input.value !== "") {
          input.value = "";
          show("", false);
          active = -1;
        }
      }
    });
    input.addEventListener("keydown", function (event) {
      // Arrow down on a closed list with a query opens it again.
      if (event.key === "ArrowDown" && results.hidden && input.value.trim() !== "") run();
    });
    document.addEventListener("click", function (event) {
      if (!results.hidden && event.target !== input && !results.contains(event.target)) close();
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
  }

  function start() {
    var input = document.getElementById("search-input");
    var results = document.getElementById("search-results");
    if (input && results) attach(input, results);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
