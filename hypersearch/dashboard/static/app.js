// The page: a hash router over three views (study list, study, comparison) and the live poll.
import { get } from "./api.js";
import { h, clear, fmt, fmtTime } from "./dom.js";
import { studyView } from "./study.js";

window.hsDashboard = { ready: false, lastUpdate: 0, plotPoints: {}, interactive: {}, view: null, version: null, errors: [] };
const main = document.getElementById("main");
let current = null; // the view object: { stop() }

async function start() {
  try {
    const info = await get("/api/info");
    document.getElementById("storage-name").textContent = info.storage;
    document.getElementById("mode").textContent = info.allow_writes ? "writes allowed" : "read-only";
    window.hsDashboard.info = info;
  } catch (err) {
    window.hsDashboard.errors.push(String(err.message));
  }
  window.addEventListener("hashchange", route);
  route();
}

function route() {
  if (current && current.stop) current.stop();
  current = null;
  const state = window.hsDashboard;
  state.ready = false;
  state.plotPoints = {};
  state.interactive = {};
  state.plotsLoaded = false;
  state.version = null;
  const hash = location.hash.replace(/^#/, "") || "/";
  const study = hash.match(/^\/study\/(\d+)$/);
  const compare = hash.match(/^\/compare\/([\d,]+)$/);
  clear(main);
  if (study) {
    state.view = "study";
    current = studyView(main, Number(study[1]), state.info && state.info.allow_writes);
  } else if (compare) {
    state.view = "compare";
    current = compareView(main, compare[1]);
  } else {
    state.view = "studies";
    current = studiesView(main);
  }
}

function bestText(best) {
  if (!best) return "";
  if (best.pareto) return `${best.n_complete} complete (Pareto)`;
  return `${fmt(best.values[0])} (trial ${best.number})`;
}

function studiesView(root) {
  let stopped = false;
  let timer = null;
  const table = h("table", { id: "study-list", testid: "study-list" });
  const compareButton = h("button", { testid: "compare-button", text: "Compare selected", onclick: () => {
    const ids = [...table.querySelectorAll("input[data-testid=compare-select]:checked")].map((c) => c.value);
    if (ids.length >= 2) location.hash = `#/compare/${ids.join(",")}`;
  } });
  root.append(h("h2", { text: "Studies" }), table, h("p", {}, compareButton));
  async function load() {
    try {
      const data = await get("/api/studies");
      if (stopped) return;
      const checked = new Set([...table.querySelectorAll("input:checked")].map((c) => c.value));
      const head = h("tr", {}, ["", "name", "directions", "trials", "complete", "pruned", "fail", "running",
        "waiting", "best", "budget", "last activity"].map((t) => h("th", { text: t })));
      const rows = data.studies.map((s) => h("tr", { testid: "study-row", dataset: { studyId: s.study_id, loading: s.loading ? "true" : "false" } },
        h("td", {}, h("input", { type: "checkbox", testid: "compare-select", value: s.study_id,
          checked: checked.has(String(s.study_id)) })),
        h("td", {}, h("a", { href: `#/study/${s.study_id}`, testid: "study-link", text: s.study_name })),
        h("td", { text: s.directions.join(", ") }), h("td", { text: s.n_trials }),
        ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"].map((k) => h("td", { class: `state-${k}`, text: s.states[k] === undefined ? "\u2026" : s.states[k] })),
        h("td", { text: bestText(s.best) }), h("td", { class: "muted", text: s.budget_text }),
        h("td", { text: fmtTime(s.last_activity) })));
      clear(table, h("thead", {}, head), h("tbody", {}, rows));
      if (!data.studies.length) table.append(h("caption", { text: "This storage has no study." }));
      window.hsDashboard.ready = true;
      window.hsDashboard.lastUpdate = Date.now();
    } catch (err) {
      window.hsDashboard.errors.push(String(err.message));
    }
    if (!stopped) timer = setTimeout(load, 2000);
  }
  load();
  return { stop() { stopped = true; clearTimeout(timer); } };
}

function compareView(root, ids) {
  const box = h("div", { class: "plot", id: "plot-compare", testid: "plot-compare", dataset: { plot: "compare" } });
  root.append(h("h2", { text: "Comparison" }), box);
  let stopped = false;
  let timer = null;
  import("./plots.js").then(async ({ loadPlot }) => {
    async function load() {
      try {
        await loadPlot(box, `/api/compare?ids=${encodeURIComponent(ids)}`);
        window.hsDashboard.ready = true;
        window.hsDashboard.lastUpdate = Date.now();
      } catch (err) {
        if (err.status >= 400 && err.status < 500) clear(box, h("p", { class: "message", text: err.message }));
      }
      if (!stopped) timer = setTimeout(load, 3000);
    }
    load();
  });
  return { stop() { stopped = true; clearTimeout(timer); } };
}

start();
