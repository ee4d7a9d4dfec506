/* Maternal & child health pages: the worklist's print button. No inline scripts anywhere. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
