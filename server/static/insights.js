/* The staff insights page (/staff/insights): draws the charts with the vendored Chart.js
   (/static/vendor/chart.js). The numbers come from <script type="application/json"
   id="insight-charts"> (no inline script: CSP script-src 'self'); every chart has the same
   numbers in a table right under it, so nothing is lost without JavaScript. */
(() => {
  "use strict";

  const source = document.getElementById("insight-charts");
  if (!source || typeof window.Chart === "undefined") return;

  // Colour-blind-safe (Okabe–Ito) with a darker blue first, as the desk's primary colour.
  const PALETTE = [
    "#0b4a8b", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#6b6b00", "#4a5360",
  ];
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = "#1b1f24";

  for (const spec of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(spec.id);
    if (!canvas) continue;
    const several = spec.datasets.length > 1;
    const valueAxis = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: { precision: 0 },
      title: { display: true, text: spec.unit },
    };
    const labelAxis = { stacked: spec.stacked, ticks: { autoSkip: true } };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((set, i) => ({
          label: set.label,
          data: set.data,
          backgroundColor: several ? PALETTE[i % PALETTE.length] : PALETTE[0],
          maxBarThickness: 48,
        })),
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        plugins: {
          legend: { display: several, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${item.formattedValue}${spec.unit === "%" ? "%" : ` ${spec.unit}`}`,
            },
          },
        },
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      },
    });
  }
})();
