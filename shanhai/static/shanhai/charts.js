/* Shanhai charts: ECharts from the JSON a page ships with {{ data|json_script:id }}; no inline scripts.
   An element <div data-chart="ID" data-missing="not reported"> is drawn from <script id="ID">:
   {kind: "line"|"bar", title, unit, categories: [...], series: [{name, data: [number|null]}]}.
   null is a month or a row nobody reported: a gap in a line, no bar — never a zero. */
(function () {
  "use strict";

  var COLORS = ["#1d6fa5", "#c2571a", "#2f8f5b", "#7a4fb3", "#b8860b"];

  function locale() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  }

  function formatter(data, missing) {
    return function (value) {
      if (value === null || value === undefined || value === "-") return missing;
      var text = Number(value).toLocaleString();
      return data.unit === "%" || data.unit === "‰" ? text + data.unit : text;
    };
  }

  function option(data, missing, element) {
    var isBar = data.kind === "bar";
    var format = formatter(data, missing);
    var category = { type: "category", data: data.categories, axisLabel: { hideOverlap: true } };
    var value = { type: "value", axisLabel: { formatter: function (v) { return format(v); } } };
    var result = {
      animation: false,
      color: COLORS,
      tooltip: { trigger: "axis", valueFormatter: format, confine: true },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: isBar ? "bar" : "line",
          data: s.data,
          connectNulls: false,
          showSymbol: true,
          symbolSize: 5,
          barMaxWidth: 22,
          label: isBar ? { show: true, position: "right", formatter: function (p) { return format(p.value); } } : undefined
        };
      })
    };
    if (isBar) {
      // Long unit names: a fixed label column (truncated with …), so no label runs off the left edge.
      var labelWidth = Math.min(140, Math.max(60, Math.round(element.clientWidth * 0.3)));
      category.inverse = true;
      category.axisLabel = { width: labelWidth, overflow: "truncate", interval: 0 };
      result.grid = { left: labelWidth + 14, right: 56, top: 8, bottom: 28, containLabel: false };
      result.xAxis = value;
      result.yAxis = category;
    } else {
      result.xAxis = category;
      result.yAxis = value;
    }
    return result;
  }

  function draw(element) {
    if (element.getAttribute("data-chart-ready") || !window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (data.kind === "bar") {
      element.style.height = Math.max(140, data.categories.length * 30 + 50) + "px";
    }
    var chart = window.echarts.init(element, null, { locale: locale() });
    chart.setOption(option(data, element.getAttribute("data-missing") || "", element));
    element.setAttribute("data-chart-ready", "1");
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  function release(node) {
    if (node.nodeType !== 1 || !window.echarts) return;
    var charts = node.matches("[data-chart-ready]") ? [node] : Array.prototype.slice.call(node.querySelectorAll("[data-chart-ready]"));
    charts.forEach(function (element) {
      var chart = window.echarts.getInstanceByDom(element);
      if (chart) chart.dispose();
    });
  }

  function start() {
    drawAll();
    // Fragments swapped in by htmx (the breakdown) bring new charts; removed ones are released.
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) { mutation.removedNodes.forEach(release); });
      drawAll();
    }).observe(document.body, { childList: true, subtree: true });
  }

  // Selects that apply themselves (the ranking's indicator); the button stays for keyboards without JS.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-submit-on-change]");
    if (select && select.form) select.form.requestSubmit();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
