/* Pickers (records.columns.picker): htmx asks for suggestions as the user types; a click puts the chosen code
   into the input. Only the term typed is posted (never the rest of the form), and never in a URL. */
(function () {
  "use strict";

  var SEPARATOR = "；";
  var SEPARATORS = /[;；,，、\n]/;

  function rootOf(element) {
    return element.closest(".picker");
  }

  function termOf(input) {
    if (!rootOf(input).hasAttribute("data-picker-multiple")) return input.value.trim();
    var parts = input.value.split(SEPARATORS);
    return parts[parts.length - 1].trim();
  }

  function close(root) {
    var list = root.querySelector(".picker-suggestions");
    if (list) list.innerHTML = "";
  }

  // The suggestions request carries the term alone: an enclosing form's other fields stay on the page.
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    if (!source || !source.matches || !source.matches("[data-picker-input]")) return;
    if (source.value === source.getAttribute("data-picker-chosen")) {
      event.preventDefault(); // just chosen (focus comes back to the input): nothing to suggest
      return;
    }
    var body = new FormData();
    body.append("q", termOf(source));
    ctx.request.body = body;
  });

  function choose(option) {
    var root = rootOf(option);
    var input = root.querySelector("[data-picker-input]");
    var value = option.getAttribute("data-picker-value");
    var label = option.getAttribute("data-picker-label");
    var chosen = root.querySelector(".picker-chosen");
    if (root.hasAttribute("data-picker-multiple")) {
      var parts = input.value.split(SEPARATORS).map(function (part) { return part.trim(); });
      parts[parts.length - 1] = value;
      input.value = parts.filter(Boolean).join(SEPARATOR) + SEPARATOR;
      if (chosen) chosen.textContent = (chosen.textContent ? chosen.textContent + "、" : "") + label;
    } else {
      input.value = value;
      if (chosen) chosen.textContent = label;
    }
    input.setAttribute("data-picker-chosen", input.value);
    close(root);
    input.focus();
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".picker-option");
    if (option) {
      event.preventDefault();
      choose(option);
      return;
    }
    document.querySelectorAll(".picker").forEach(function (root) {
      if (!root.contains(event.target)) close(root);
    });
  });

  // A typed change makes the name shown for the earlier choice stale.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-picker-input]")) return;
    var root = rootOf(input);
    input.removeAttribute("data-picker-chosen");
    var chosen = root.querySelector(".picker-chosen");
    if (chosen && !root.hasAttribute("data-picker-multiple")) chosen.textContent = "";
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var root = target.closest && target.closest(".picker");
    if (!root) return;
    var options = Array.prototype.slice.call(root.querySelectorAll(".picker-option"));
    var index = options.indexOf(target);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(index + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      if (index === 0) root.querySelector("[data-picker-input]").focus();
      else options[index - 1].focus();
    } else if (event.key === "Escape" && options.length) {
      event.preventDefault();
      close(root);
      root.querySelector("[data-picker-input]").focus();
    }
  });
})();
