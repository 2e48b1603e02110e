// One plot per container: fetched as plotly JSON (already downsampled by the server), drawn with Plotly.react.
import { get } from "./api.js";
import { h, clear } from "./dom.js";

const CONFIG = { displaylogo: false, responsive: true };
let plotlyLoading = null;

// plotly.js (4.8 MB) is loaded after the app started, so that the summary and the trial
// table show while the browser still parses it; every drawing waits for this promise.
export function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const src = document.querySelector('meta[name="hs-plotly"]').content;
      const script = h("script", { src, onload: () => resolve(window.Plotly), onerror: () => {
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

export async function loadPlot(box, path) {
  const name = box.dataset.plot;
  const started = performance.now();
  const [fig] = await Promise.all([get(path), plotly()]);
  draw(box, fig);
  box.dataset.version = fig.version === undefined ? "" : String(fig.version);
  box.dataset.fetchMs = String(Math.round(performance.now() - started));
  return fig;
}

export function draw(box, fig) {
  const name = box.dataset.plot;
  const state = window.hsDashboard;
  if (fig.message) {
    if (box.dataset.drawn) window.Plotly.purge(box.querySelector(".chart"));
    clear(box, h("div", { class: "message", testid: "plot-message", text: fig.message }));
    delete box.dataset.drawn;
    state.plotPoints[name] = 0;
    box.dataset.points = "0";
    return;
  }
  let chart = box.querySelector(".chart");
  let note = box.querySelector(".note");
  if (!chart) {
    clear(box);
    chart = h("div", { class: "chart" });
    note = h("div", { class: "note", testid: "plot-note" });
    box.append(chart, note);
  }
  note.textContent = fig.note || "";
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
  const points = countPoints(fig.data);
  state.plotPoints[name] = points;
  box.dataset.points = String(points);
  box.dataset.total = String(fig.total);
}
