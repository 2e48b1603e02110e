// One plot per container: fetched as plotly JSON (already downsampled by the server), drawn with Plotly.react.
import { get } from "./api.js";
import { h, clear } from "./dom.js";
import { canPreview, preview as drawSvg } from "./preview.js";

const CONFIG = { displaylogo: false, responsive: true };
let plotlyLoading = null;

// plotly.js (4.8 MB) is loaded after the app started, so that the summary and the trial
// table show while the browser still parses it; every drawing waits for this promise.
export function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const src = document.querySelector('meta[name="hs-plotly"]').content;
      performance.mark("hs:plotly-start");
      const script = h("script", { src, onload: () => { performance.mark("hs:plotly-ready"); resolve(window.Plotly); }, onerror: () => {
        plotlyLoading = null; // the next drawing tries again
        script.remove();
        reject(new Error("plotly.js did not load"));
      } });
      document.head.append(script);
    });
  }
  return plotlyLoading;
}

function countPoints(data) {
  let n = 0;
  for (const trace of data) {
    if (trace.type === "parcoords") n += trace.dimensions.length ? trace.dimensions[0].values.length : 0;
    else if (trace.type === "contour") n += trace.z.reduce((a, row) => a + row.length, 0);
    else n += (trace.x || []).filter((v) => v !== null).length;
  }
  return n;
}

export function plotBox(name, title) {
  const box = h("div", { class: "plot", id: `plot-${name}`, testid: `plot-${name}`, dataset: { plot: name } },
    h("div", { class: "message", text: `Loading ${title}\u2026` }));
  return box;
}

/** Fetch and draw one plot.  ``preview``: when plotly.js is not loaded yet, draw the figure
 * as plain SVG first (preview.js) and only then start plotly.js, whose parsing blocks the page. */
export async function loadPlot(box, path, { preview = false } = {}) {
  const name = box.dataset.plot;
  const started = performance.now();
  let fetched = started;
  const json = get(path).then((f) => { fetched = performance.now(); performance.mark(`hs:${name}:json`); return f; });
  let fig;
  if (preview && !window.Plotly) {
    fig = await json;
    if (canPreview(fig) && !box.dataset.drawn) {
      drawPreview(box, fig);
      await painted(); // shown before plotly.js's parsing holds the page for seconds
    }
    await plotly();
  } else {
    [fig] = await Promise.all([json, plotly()]);
  }
  const drawing = performance.now();
  draw(box, fig);
  performance.mark(`hs:${name}:drawn`);
  box.dataset.version = fig.version === undefined ? "" : String(fig.version);
  // its own cost: the fetch and the drawing, not the wait for plotly.js (seconds, once)
  box.dataset.fetchMs = String(Math.round(fetched - started + performance.now() - drawing));
  return fig;
}

// Resolves once the browser painted what was drawn (the frame after the next), and a
// timer's turn later, so that the page's other timers run before a long script starts;
// at most 0.5 s (a hidden tab paints no frame).
function painted() {
  const frames = new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50))));
  return Promise.race([frames, new Promise((resolve) => setTimeout(resolve, 500))]);
}

function chartOf(box) {
  let chart = box.querySelector(".chart");
  if (!chart) {
    clear(box);
    chart = h("div", { class: "chart" });
    box.append(chart, h("div", { class: "note", testid: "plot-note" }));
  }
  return chart;
}

function drawPreview(box, fig) {
  const name = box.dataset.plot;
  drawSvg(chartOf(box), fig);
  box.querySelector(".note").textContent = fig.note || "";
  box.dataset.preview = "1";
  const points = countPoints(fig.data);
  window.hsDashboard.plotPoints[name] = points;
  box.dataset.points = String(points);
  box.dataset.total = String(fig.total);
  performance.mark(`hs:${name}:preview`);
}

export function draw(box, fig) {
  const name = box.dataset.plot;
  const state = window.hsDashboard;
  if (fig.pending) box.dataset.pending = "1"; // it waits for the whole study: asked again
  else delete box.dataset.pending;
  if (fig.message) {
    if (box.dataset.drawn) window.Plotly.purge(box.querySelector(".chart"));
    clear(box, h("div", { class: fig.pending ? "message waiting" : "message", testid: fig.pending ? "plot-waiting" : "plot-message", text: fig.message }));
    delete box.dataset.drawn;
    state.plotPoints[name] = 0;
    box.dataset.points = "0";
    return;
  }
  const chart = chartOf(box);
  if (box.dataset.preview) { chart.replaceChildren(); delete box.dataset.preview; } // plotly draws it now
  box.querySelector(".note").textContent = fig.note || "";
  const layout = Object.assign({ autosize: true }, fig.layout, { uirevision: name });
  window.Plotly.react(chart, fig.data, layout, CONFIG);
  if (!box.dataset.drawn && chart.on) {
    // a point that stands for a trial (its number in customdata) opens that trial's detail
    chart.on("plotly_click", (event) => {
      const number = event.points && event.points.length ? event.points[0].customdata : null;
      if (Number.isInteger(number)) box.dispatchEvent(new CustomEvent("hs-trial", { detail: number, bubbles: true }));
    });
  }
  box.dataset.drawn = "1";
  state.interactive[name] = true;
  const points = countPoints(fig.data);
  state.plotPoints[name] = points;
  box.dataset.points = String(points);
  box.dataset.total = String(fig.total);
}
