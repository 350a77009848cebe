// Draws each Plotly figure of the page: <div data-figure="ID"> takes its JSON from the
// <script type="application/json" id="ID"> block, so no inline script is needed (CSP).
document.addEventListener("DOMContentLoaded", () => {
  for (const target of document.querySelectorAll("[data-figure]")) {
    const figure = JSON.parse(document.getElementById(target.dataset.figure).textContent);
    Plotly.newPlot(target, figure.data, figure.layout, { displaylogo: false, responsive: true });
  }
});
