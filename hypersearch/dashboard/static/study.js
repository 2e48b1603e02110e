// One study: its summary, plots, trial table and diagnostics, kept live by polling the delta endpoint.
import { get, post } from "./api.js";
import { h, clear, fmt, fmtTime } from "./dom.js";
import { plotBox, loadPlot } from "./plots.js";
import { TrialTable } from "./table.js";

// The delta poll starts every POLL_MS (one at a time); the table follows at most every TABLE_MS.
const POLL_MS = 500;
const TABLE_MS = 1000;
// A stale plot is redrawn at most every REFRESH_MS (a costly one less often, see refreshPlot).
const REFRESH_MS = 1500;

export function studyView(root, studyId, writable) {
  const state = window.hsDashboard;
  const view = { objective: 0, chooser: null, stopped: false, version: null, epoch: null, timer: null, boxes: [], stale: new Set(), visible: new Set(), onScreen: null };
  const title = h("h2", { testid: "study-name" });
  const summary = h("div", { class: "summary", testid: "study-summary" });
  const note = h("section", { testid: "study-note-section" });
  const notice = h("p", { class: "notice", testid: "loading-notice", hidden: true });
  const plots = h("div", { class: "plots", testid: "plots" });
  const diagnostics = h("section", { testid: "diagnostics" }, h("h2", { text: "Diagnostics" }));
  const table = new TrialTable(studyId, writable);
  const plotsHead = h("h2", { text: "Plots" });
  root.append(title, summary, notice, note, plotsHead, plots, table.node, diagnostics);

  function showSummary(s) {
    title.textContent = s.study_name;
    const best = s.best ? (s.best.pareto ? `${s.best.n_complete} complete (Pareto front in the plot)`
      : `${fmt(s.best.values[0])} (trial ${s.best.number})`) : "none yet";
    clear(summary, 
      h("div", { testid: "summary-directions", text: `directions: ${s.directions.join(", ")}` }),
      h("div", { testid: "summary-trials", text: `trials: ${s.n_trials}` }),
      Object.entries(s.states).filter(([, n]) => n).map(([k, n]) =>
        h("div", { class: `state-${k}`, testid: `summary-${k}`, text: `${k}: ${n}` })),
      h("div", { testid: "summary-best", text: `best: ${best}` }),
      h("div", { testid: "summary-budget", class: "muted", text: s.budget_text }),
      h("div", { testid: "summary-last", text: `last activity: ${fmtTime(s.last_activity)}` }));
    table.paramKinds = s.param_kinds || table.paramKinds;
    showReading(s.reading);
    clear(note, h("h2", { text: "Note" }), h("pre", { testid: "study-note", text: s.note || "" }));
    if (writable) {
      const input = h("textarea", { testid: "study-note-input" });
      input.value = s.note || "";
      const status = h("span", { testid: "study-note-status" });
      note.append(input, h("button", { testid: "study-note-save", text: "Save note", onclick: () =>
        post(`/api/studies/${studyId}/note`, { note: input.value }).then(() => { status.textContent = "saved"; })
          .catch((err) => { status.textContent = err.message; }) }), status);
    }
  }

  // a big study's first read: the page shows a light read while the server reads the rest
  function showReading(r) {
    notice.hidden = !r;
    if (!r) { notice.textContent = ""; return; }
    const n = (x) => x.toLocaleString("en-US");
    notice.textContent = r.stage === "reading"
      ? `Loading the rest of the study: reading the parameters and reports of ${n(r.total)} trials (shown so far: numbers, states, values)\u2026`
      : `Loading the rest of the study: ${n(r.done)} of ${n(r.total)} trials read\u2026`;
  }

  async function refreshPlot(box) {
    if (!box.dataset.loadedAt) return true; // not loaded yet: its first load brings the latest
    if (box.dataset.loading) return false; // a load is on the way: refreshed after it
    // off screen: redrawn once scrolled into view (a plot still waiting for the study is asked anyway)
    if (view.onScreen && !view.visible.has(box) && !box.dataset.pending) return false;
    const last = Number(box.dataset.loadedAt || 0);
    // a costly plot refreshes less often: its fetch and drawing take at most 5% of the time
    if (Date.now() - last < Math.max(REFRESH_MS, 20 * Number(box.dataset.fetchMs || 0))) return false;
    box.dataset.loadedAt = String(Date.now());
    box.dataset.loading = "1"; // one load of a plot at a time
    try {
      const fig = await loadPlot(box, plotPath(box));
      return !fig.pending;
    } finally {
      delete box.dataset.loading;
    }
  }

  function plotPath(box) {
    return `/api/studies/${studyId}/plots/${box.dataset.plot}?objective=${view.objective}`;
  }

  function objectiveChooser(s) {
    if (s.directions.length < 2 || view.chooser) return;
    const names = s.metric_names || s.directions.map((d, k) => `objective ${k} (${d.toLowerCase()})`);
    view.chooser = h("select", { testid: "objective-select", onchange: () => {
      view.objective = Number(view.chooser.value);
      loadPlots(view.boxes).catch(() => {});
    } }, names.map((n, k) => h("option", { value: k, text: n })));
    plotsHead.append(" of ", view.chooser);
  }

  async function loadOne(box, preview = false) {
    box.dataset.loading = "1";
    try {
      box.dataset.loadedAt = String(Date.now());
      const fig = await loadPlot(box, plotPath(box), { preview });
      if (fig.pending) view.stale.add(box); // it waits for every trial: asked again at the next poll
    } catch (err) {
      if (err.status >= 400 && err.status < 500) clear(box, h("p", { class: "message", text: err.message }));
      else view.stale.add(box);
    } finally {
      delete box.dataset.loading;
    }
  }

  async function loadPlots(boxes) {
    const queue = [...boxes];
    // a plot scrolled into view goes to the front of the queue
    const seen = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
      for (const e of entries) {
        const at = queue.indexOf(e.target);
        if (e.isIntersecting && at > 0) queue.unshift(...queue.splice(at, 1));
      }
    }) : null;
    for (const box of queue) if (seen) seen.observe(box);
    const worker = async () => { while (queue.length && !view.stopped) await loadOne(queue.shift()); };
    await Promise.all([worker(), worker()]); // two at a time: the server computes, the browser draws
    if (seen) seen.disconnect();
    view.plotsTried = true;
    checkPlotsLoaded();
  }

  // every plot drawn (none still waiting for the whole study); then the diagnostics once
  function checkPlotsLoaded() {
    if (!view.plotsTried || state.plotsLoaded) return;
    if (view.boxes.some((b) => b.dataset.pending)) return;
    state.plotsLoaded = true;
    view.diagnosedAt = Date.now();
    loadDiagnostics().catch(() => {});
  }

  async function loadDiagnostics() {
    const d = await get(`/api/studies/${studyId}/diagnostics`);
    clear(diagnostics, h("h2", { text: "Diagnostics" }));
    if (d.pending) { // it needs every trial: asked again once the plots are drawn
      diagnostics.append(h("p", { class: "muted", testid: "diagnostics-waiting", text: "Waiting for every trial to be read\u2026" }));
      view.diagnosedAt = 0;
      return;
    }
    if (!d.available) diagnostics.append(h("p", { testid: "diagnostics-unavailable", class: "muted",
      text: "Diagnostics are not available in this version of hypersearch (study.diagnose())." }));
    else diagnostics.append(findingsTable(d.diagnostics));
    diagnostics.append(h("h3", { text: "Automatic strategy" }));
    diagnostics.append(choicesTable(d.auto_choices));
  }

  async function first() {
    const s = await get(`/api/studies/${studyId}`);
    performance.mark("hs:summary");
    if (view.stopped) return;
    view.version = s.version;
    view.epoch = s.epoch;
    state.version = s.version;
    showSummary(s);
    objectiveChooser(s);
    view.boxes = s.plots.map((p) => plotBox(p.name, p.title));
    plots.append(...view.boxes);
    watchScreen(view.boxes);
    const [head, ...rest] = view.boxes; // the history plot comes with the table
    await Promise.all([table.refresh(), head ? loadOne(head, true) : null]);
    state.ready = true;
    state.lastUpdate = Date.now();
    loadPlots(rest).catch(() => {});
  }

  async function poll() {
    if (view.stopped) return;
    const started = Date.now();
    try {
      if (view.version === null) await first();
      else await applyDelta(await get(`/api/studies/${studyId}/delta?since=${view.version}`));
    } catch (err) {
      if (err.status === 404) { clear(root, h("p", { testid: "not-found", class: "state-FAIL", text: err.message })); return; }
    }
    if (!view.stopped) view.timer = setTimeout(poll, Math.max(50, POLL_MS - (Date.now() - started)));
  }

  async function applyDelta(d) {
    if (d.epoch !== view.epoch) { view.epoch = d.epoch; d.reset = true; } // the server restarted
    const changed = d.reset || d.changed.length > 0 || d.version !== view.version;
    view.version = d.version;
    state.version = d.version;
    showSummary(d.summary);
    if (changed) {
      refreshTable();
      for (const box of view.boxes) view.stale.add(box);
    }
    if ((changed || !view.diagnosedAt) && Date.now() - (view.diagnosedAt || 0) > 10000 && state.plotsLoaded) {
      view.diagnosedAt = Date.now();
      loadDiagnostics().catch(() => {});
    }
    refreshStale();
    state.lastUpdate = Date.now();
  }

  // which plots are on screen: a stale one scrolled into view is redrawn then
  function watchScreen(boxes) {
    if (!("IntersectionObserver" in window)) return;
    view.onScreen = new IntersectionObserver((entries) => {
      let shown = false;
      for (const e of entries) {
        if (!e.isIntersecting) { view.visible.delete(e.target); continue; }
        view.visible.add(e.target);
        shown = shown || view.stale.has(e.target);
      }
      if (shown && !view.stopped) refreshStale();
    });
    for (const box of boxes) view.onScreen.observe(box);
  }

  // the table's page again, apart from the poll: one refresh at a time, at most every TABLE_MS
  function refreshTable() {
    view.tableDirty = true;
    if (view.tableBusy) return;
    view.tableBusy = true;
    (async () => {
      while (view.tableDirty && !view.stopped) {
        view.tableDirty = false;
        const started = Date.now();
        try { await table.refresh(); } catch (err) { /* the next change tries again */ }
        const wait = TABLE_MS - (Date.now() - started);
        if (view.tableDirty && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    })().finally(() => { view.tableBusy = false; });
  }

  // the stale plots, one at a time, apart from the poll: a costly plot does not hold up
  // the summary's and the table's next update
  function refreshStale() {
    if (view.refreshing) return;
    view.refreshing = (async () => {
      for (const box of [...view.stale]) {
        if (view.stopped) return;
        try {
          if (await refreshPlot(box)) view.stale.delete(box);
        } catch (err) { /* kept stale: retried at the next poll */ }
      }
      checkPlotsLoaded();
    })().finally(() => { view.refreshing = null; });
  }

  plots.addEventListener("hs-trial", (event) => {
    table.showDetail(event.detail).then(() => table.detail.scrollIntoView({ behavior: "smooth" })).catch(() => {});
  });
  window.addEventListener("hs-recovered", () => { for (const box of view.boxes) view.stale.add(box); });
  poll();
  return { stop() {
    view.stopped = true;
    clearTimeout(view.timer);
    if (view.onScreen) view.onScreen.disconnect();
  } };
}

function findingsTable(findings) {
  if (!findings.length) return h("p", { testid: "diagnostics-report", text: "No finding." });
  return h("table", { testid: "diagnostics-report" },
    h("tr", {}, ["severity", "kind", "parameters", "finding", "suggestion", "evidence"].map((t) => h("th", { text: t }))),
    findings.map((f) => h("tr", { testid: "finding", dataset: { kind: String(f.kind || "") } },
      h("td", { class: f.severity === "warning" ? "state-FAIL" : "muted", text: f.severity || "" }),
      h("td", { text: f.kind || "" }), h("td", { text: (f.params || []).join(", ") }),
      h("td", { style: "white-space: normal", text: f.message || JSON.stringify(f) }),
      h("td", { style: "white-space: normal", text: f.action || "" }),
      h("td", {}, h("pre", { text: f.evidence ? JSON.stringify(f.evidence, null, 1) : "" })))));
}

function choicesTable(choices) {
  if (!Array.isArray(choices) || !choices.length) {
    return h("p", { testid: "auto-choices", class: "muted", text: "No automatic strategy choices recorded." });
  }
  return h("table", { testid: "auto-choices" },
    h("tr", {}, ["when", "finished trials", "sampler", "pruner", "reason"].map((t) => h("th", { text: t }))),
    choices.map((c) => h("tr", {}, h("td", { text: fmtTime(c.datetime) }), h("td", { text: fmt(c.n_trials) }),
      h("td", { text: c.sampler || "" }), h("td", { text: c.pruner || "" }),
      h("td", { style: "white-space: normal", text: c.reason || "" }))));
}
