/* Shanhai: the small behaviour pages need beyond htmx. No inline scripts anywhere. */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");

  function setSidebar(toggle, open) {
    var sidebar = document.getElementById("sidebar");
    if (!sidebar) return;
    sidebar.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-sidebar-toggle]");
    if (toggle) {
      setSidebar(toggle, toggle.getAttribute("aria-expanded") !== "true");
    }
  });

  // On a phone the filter bar starts folded (unless a filter is in use), so the list is on the first screen.
  if (window.matchMedia("(max-width: 640px)").matches) {
    document.querySelectorAll("details[data-filter-panel]").forEach(function (panel) {
      var inUse = Array.prototype.some.call(panel.querySelectorAll("input, select"), function (field) {
        return field.value && field.type !== "submit";
      });
      if (!inUse) panel.open = false;
    });
  }

  // Forms that destroy something ask first (data-confirm holds the translated question).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var toggle = document.querySelector("[data-sidebar-toggle][aria-expanded='true']");
    if (toggle) {
      setSidebar(toggle, false);
      toggle.focus();
    }
  });
})();
