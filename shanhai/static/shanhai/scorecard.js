/* Scorecard sparklines: each [data-sparkline] element names the json_script holding its series
   ({months, values, target}; target null when a month's value does not compare with it); drawn with the
   vendored ECharts, ZH locale on Chinese pages. Months not reported are gaps, never zero. */
(function () {
  "use strict";

  function draw(element, data) {
    var chinese = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
    var chart = window.echarts.init(element, null, { locale: chinese ? "ZH" : "EN", renderer: "svg" });
    var bounds = data.values.filter(function (v) { return v !== null; }).concat([0]);
    if (data.target !== null) bounds.push(data.target);
    var low = Math.min.apply(null, bounds);
    var high = Math.max.apply(null, bounds);
    chart.setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      tooltip: { trigger: "axis", confine: true },
      xAxis: { type: "category", show: false, boundaryGap: false, data: data.months },
      yAxis: { type: "value", show: false, min: low, max: high === low ? low + 1 : high },
      series: [{
        type: "line",
        data: data.values,
        showSymbol: true,
        symbolSize: 3,
        connectNulls: false,
        lineStyle: { width: 1.5, color: "#1d6fa5" },
        areaStyle: { opacity: 0.08, color: "#1d6fa5" },
        markLine: data.target === null ? undefined : {
          silent: true,
          symbol: "none",
          label: { show: false },
          lineStyle: { type: "dashed", color: "#2e7d4f" },
          data: [{ yAxis: data.target }]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function init() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-sparkline]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-sparkline"));
      if (source) draw(element, JSON.parse(source.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
