// Plugin catalog filter: hide the plugins that do not use the chosen hook or permission, keep the
// choice in the URL (?hook=lint&permission=index.read) so a filtered catalog can be linked, and say
// how many plugins are shown. Without JavaScript every plugin is listed.
(function () {
  "use strict";
  function start() {
    var form = document.querySelector(".catalog-filter");
    if (!form) return;
    var items = Array.prototype.slice.call(document.querySelectorAll(".catalog-list > li"));
    var count = form.querySelector(".catalog-count");
    var empty = document.querySelector(".catalog-empty");
    var params = new URLSearchParams(window.location.search);
    ["hook", "permission"].forEach(function (name) {
      var value = params.get(name);
      var select = form.elements[name];
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    function apply() {
      var hook = form.elements.hook.value;
      var permission = form.elements.permission.value;
      var shown = 0;
      items.forEach(function (item) {
        var hooks = item.getAttribute("data-hooks").split(" ");
        var permissions = item.getAttribute("data-permissions").split(" ");
        var match = (!hook || hooks.indexOf(hook) >= 0) && (!permission || permissions.indexOf(permission) >= 0);
        item.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = shown === items.length ? items.length + " plugins" : shown + " of " + items.length + " plugins";
      empty.hidden = shown > 0;
      var query = new URLSearchParams();
      if (hook) query.set("hook", hook);
      if (permission) query.set("permission", permission);
      var search = query.toString();
      window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
