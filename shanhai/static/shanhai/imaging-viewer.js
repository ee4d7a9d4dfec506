/* The DICOM viewer (dwv, vendored): loads the study's instances from Shanhai's own access-checked URLs. */
(function () {
  "use strict";
  function start() {
    var holder = document.getElementById("dicom-viewer");
    if (!holder || typeof dwv === "undefined") { return; }
    var status = document.querySelector("[data-viewer-status]");
    var urls = (holder.getAttribute("data-viewer-urls") || "").split(" ").filter(Boolean);
    if (!urls.length) { status.textContent = holder.getAttribute("data-viewer-failed"); return; }
    var app = new dwv.App();
    var options = new dwv.AppOptions({"*": [new dwv.ViewConfig("layerGroup0")]});
    options.tools = {Scroll: {}, WindowLevel: {}, ZoomAndPan: {}};
    app.init(options);
    var buttons = document.querySelectorAll("[data-viewer-tool]");
    function choose(name) {
      app.setTool(name);
      buttons.forEach(function (b) { b.classList.toggle("is-active", b.getAttribute("data-viewer-tool") === name); });
    }
    app.addEventListener("load", function () {
      choose("Scroll");
      status.textContent = holder.getAttribute("data-viewer-loaded") + " (" + urls.length + ")";
      holder.setAttribute("data-viewer-ready", "1");
    });
    app.addEventListener("error", function () { status.textContent = holder.getAttribute("data-viewer-failed"); });
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { choose(b.getAttribute("data-viewer-tool")); });
    });
    var reset = document.querySelector("[data-viewer-reset]");
    if (reset) { reset.addEventListener("click", function () { app.resetDisplay(); }); }
    window.addEventListener("resize", function () { app.onResize(); });
    app.loadURLs(urls, {withCredentials: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
