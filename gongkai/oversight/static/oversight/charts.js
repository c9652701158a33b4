/* Draws the oversight charts. Each <canvas data-chart="ID"> reads its numbers from the
   <script type="application/json" id="ID"> rendered by Django's json_script (never executed).
   The same numbers are in the table next to each chart, so nothing depends on this script. */
(function () {
  "use strict";
  var COLOURS = ["#b3121b", "#d9822b", "#6b7a8f", "#2e7d32", "#8e5ba6"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") return;
    var spec = JSON.parse(source.textContent);
    var datasets = spec.series.map(function (s, i) {
      return { label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length] };
    });
    var y = { beginAtZero: true, stacked: !!spec.stacked };
    if (spec.max) y.max = spec.max;
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: !!spec.stacked }, y: y },
        plugins: { title: { display: !!spec.title, text: spec.title }, legend: { display: datasets.length > 1 } }
      }
    });
  }

  function init() {
    var nodes = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < nodes.length; i++) draw(nodes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
