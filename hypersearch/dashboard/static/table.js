// The trial table: the server filters, sorts and pages; this draws one page and a trial's detail.
import { get, post } from "./api.js";
import { h, clear, fmt, fmtTime } from "./dom.js";
import { plotly } from "./plots.js";

const STATES = ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"];

export class TrialTable {
  constructor(studyId, writable) {
    this.studyId = studyId;
    this.writable = writable;
    this.query = { page: 0, per_page: 25, sort: "number", order: "desc" };
    this.filters = {};
    this.selected = null;
    this.node = h("section", { id: "trials", testid: "trials" });
    this.filterBar = this.buildFilters();
    this.pager = h("div", { class: "pager", testid: "pager" });
    this.table = h("table", { id: "trial-table", testid: "trial-table" });
    this.detail = h("div", { id: "trial-detail", testid: "trial-detail", hidden: true, class: "detail" });
    this.node.append(h("h2", { text: "Trials" }), this.filterBar, this.pager, this.table, this.detail);
    this.params = [];
  }

  buildFilters() {
    this.stateSelect = h("select", { testid: "filter-state", "aria-label": "state" },
      h("option", { value: "", text: "any state" }),
      STATES.map((s) => h("option", { value: s, text: s })));
    this.valueMin = h("input", { testid: "filter-value-min", placeholder: "value \u2265", size: 8 });
    this.valueMax = h("input", { testid: "filter-value-max", placeholder: "value \u2264", size: 8 });
    this.paramSelect = h("select", { testid: "filter-param", "aria-label": "parameter" },
      h("option", { value: "", text: "parameter\u2026" }));
    this.paramMin = h("input", { testid: "filter-param-min", placeholder: "min / choice", size: 8 });
    this.paramMax = h("input", { testid: "filter-param-max", placeholder: "max", size: 8 });
    const apply = h("button", { testid: "filter-apply", text: "Filter", onclick: () => this.applyFilters() });
    const reset = h("button", { testid: "filter-reset", text: "Clear", onclick: () => this.resetFilters() });
    const bar = h("div", { class: "filters", testid: "filters" }, this.stateSelect, this.valueMin,
      this.valueMax, this.paramSelect, this.paramMin, this.paramMax, apply, reset);
    bar.addEventListener("keydown", (e) => { if (e.key === "Enter") this.applyFilters(); });
    return bar;
  }

  applyFilters() {
    const f = {};
    if (this.stateSelect.value) f.state = this.stateSelect.value;
    if (this.valueMin.value.trim()) f.value_min = this.valueMin.value.trim();
    if (this.valueMax.value.trim()) f.value_max = this.valueMax.value.trim();
    const p = this.paramSelect.value;
    if (p) {
      const info = this.paramKinds[p];
      const lo = this.paramMin.value.trim(), hi = this.paramMax.value.trim();
      if (info === "categorical") { if (lo) f[`pin.${p}`] = lo; }
      else { if (lo) f[`pmin.${p}`] = lo; if (hi) f[`pmax.${p}`] = hi; }
    }
    this.filters = f;
    this.query.page = 0;
    return this.refresh();
  }

  resetFilters() {
    for (const input of [this.valueMin, this.valueMax, this.paramMin, this.paramMax]) input.value = "";
    this.stateSelect.value = "";
    this.paramSelect.value = "";
    this.filters = {};
    this.query.page = 0;
    return this.refresh();
  }

  url() {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(this.query)) q.set(k, String(v));
    for (const [k, v] of Object.entries(this.filters)) q.set(k, v);
    return `/api/studies/${this.studyId}/trials?${q}`;
  }

  async refresh() {
    let page;
    try {
      page = await get(this.url());
    } catch (err) {
      if (err.status >= 400 && err.status < 500) this.showError(err.message);
      throw err;
    }
    this.render(page);
    if (this.selected !== null) this.showDetail(this.selected, true).catch(() => {});
    return page;
  }

  showError(message) {
    clear(this.pager, h("span", { class: "state-FAIL", testid: "table-error", text: message }));
  }

  setParams(params, kinds) {
    this.paramKinds = kinds || {};
    if (params.join("\u0000") === this.params.join("\u0000")) return;
    this.params = params;
    const keep = this.paramSelect.value;
    clear(this.paramSelect, h("option", { value: "", text: "parameter\u2026" }),
      params.map((p) => h("option", { value: p, text: p })));
    this.paramSelect.value = params.includes(keep) ? keep : "";
  }

  header(label, sortKey) {
    const active = this.query.sort === sortKey;
    const arrow = active ? (this.query.order === "asc" ? " \u25b2" : " \u25bc") : "";
    return h("th", { class: "sortable", testid: `sort-${sortKey}`, text: label + arrow, onclick: () => {
      if (this.query.sort === sortKey) this.query.order = this.query.order === "asc" ? "desc" : "asc";
      else { this.query.sort = sortKey; this.query.order = "asc"; }
      this.query.page = 0;
      this.refresh().catch(() => {});
    } });
  }

  render(page) {
    this.setParams(page.params, this.paramKinds);
    const nObj = page.n_objectives;
    const valueHeads = nObj === 1 ? [this.header("value", "value")]
      : Array.from({ length: nObj }, (_, k) => this.header(`value ${k}`, `value${k}`));
    const attrKeys = [...new Set(page.rows.flatMap((r) => Object.keys(r.user_attrs)))].slice(0, 6);
    const head = h("tr", {}, this.header("#", "number"), this.header("state", "state"), valueHeads,
      this.header("duration (s)", "duration"), page.params.map((p) => this.header(p, `param:${p}`)),
      attrKeys.map((k) => h("th", { text: k })), h("th", { text: "note" }));
    const body = page.rows.map((r) => {
      const values = Array.from({ length: nObj }, (_, k) => h("td", { text: fmt(r.values ? r.values[k] : null) }));
      return h("tr", { class: "clickable" + (r.number === this.selected ? " selected" : ""),
        testid: "trial-row", dataset: { number: r.number, state: r.state },
        onclick: () => this.showDetail(r.number).catch(() => {}) },
        h("td", { text: r.number }), h("td", { class: `state-${r.state}`, text: r.state }), values,
        h("td", { text: fmt(r.duration) }), page.params.map((p) => h("td", { text: fmt(r.params[p]) })),
        attrKeys.map((k) => h("td", { text: r.user_attrs[k] === undefined ? "" : r.user_attrs[k] })),
        h("td", { text: r.note || "" }));
    });
    clear(this.table, h("thead", {}, head), h("tbody", {}, body));
    const last = Math.max(0, Math.ceil(page.total / page.per_page) - 1);
    const go = (p) => () => { this.query.page = p; this.refresh().catch(() => {}); };
    clear(this.pager, 
      h("button", { testid: "page-prev", text: "\u2039 prev", disabled: page.page <= 0, onclick: go(page.page - 1) }),
      h("span", { testid: "table-total", dataset: { total: page.total },
        text: `page ${page.page + 1} of ${last + 1} \u2014 ${page.total} of ${page.n_trials} trials` }),
      h("button", { testid: "page-next", text: "next \u203a", disabled: page.page >= last, onclick: go(page.page + 1) }));
  }

  async showDetail(number, quiet) {
    this.selected = number;
    for (const row of this.table.querySelectorAll("tr.selected")) row.classList.remove("selected");
    const row = this.table.querySelector(`tr[data-number="${Number(number)}"]`);
    if (row) row.classList.add("selected");
    let t;
    try {
      t = await get(`/api/studies/${this.studyId}/trials/${Number(number)}`);
    } catch (err) {
      if (!quiet) clear(this.detail, h("p", { class: "state-FAIL", text: err.message }));
      this.detail.hidden = false;
      throw err;
    }
    renderDetail(this, t);
  }
}

function kv(obj) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return h("p", { class: "muted", text: "none" });
  return h("table", {}, entries.map(([k, v]) =>
    h("tr", {}, h("th", { text: k }), h("td", {}, h("pre", { text: typeof v === "string" ? v : JSON.stringify(v, null, 1) })))));
}

function renderDetail(table, t) {
  const node = clear(table.detail);
  node.hidden = false;
  node.dataset.number = String(t.number);
  node.append(
    h("h2", { testid: "detail-title", text: `Trial ${t.number} \u2014 ${t.state}` }),
    h("p", { text: `values: ${JSON.stringify(t.values)}; started ${fmtTime(t.datetime_start)}; finished ${fmtTime(t.datetime_complete)}` }),
    h("h3", { text: "Parameters" }), kv(t.params),
    h("h3", { text: "Intermediate values" }));
  const curve = h("div", { testid: "detail-curve", style: "height:240px" });
  node.append(curve);
  if (t.intermediate_values.steps.length) {
    const ys = t.intermediate_values.values.map((v) => (Array.isArray(v) ? v[0] : v));
    plotly().then((Plotly) => Plotly.react(curve, [{ type: "scatter", mode: "lines+markers", x: t.intermediate_values.steps, y: ys }],
      { margin: { l: 50, r: 10, t: 10, b: 30 } }, { displaylogo: false }))
      .catch(() => curve.append(h("p", { class: "muted", text: "plotly.js did not load" })));
  } else curve.append(h("p", { class: "muted", text: "none reported" }));
  node.append(h("h3", { text: "User attributes" }), kv(t.user_attrs),
    h("h3", { text: "System attributes" }), kv(t.system_attrs),
    h("h3", { text: "Lineage" }), kv(t.lineage),
    h("h3", { text: "Artifacts" }), artifacts(t.artifacts),
    h("h3", { text: "Note" }), h("pre", { testid: "trial-note", text: t.note || "" }));
  if (table.writable) node.append(writeActions(table, t));
}

function artifacts(list) {
  if (!list.length) return h("p", { class: "muted", text: "none" });
  return h("ul", { testid: "artifacts" }, list.map((a) => h("li", {},
    a.url ? h("a", { href: a.url, download: a.filename, testid: "artifact-link", text: a.filename })
      : h("span", { text: `${a.filename} (start the dashboard with --artifact-dir to download)` }),
    h("span", { class: "muted", text: ` ${a.mimetype} \u2014 ${a.artifact_id}` }))));
}

function writeActions(table, t) {
  const base = `/api/studies/${table.studyId}/trials/${t.number}`;
  const status = h("span", { testid: "write-status" });
  const done = (p) => p.then(() => { status.textContent = "saved"; return table.refresh(); })
    .catch((err) => { status.textContent = err.message; });
  const note = h("textarea", { testid: "trial-note-input" });
  note.value = t.note || "";
  const box = h("div", { testid: "trial-actions" }, note,
    h("button", { testid: "trial-note-save", text: "Save note",
      onclick: () => done(post(`${base}/note`, { note: note.value })) }));
  if (t.state === "WAITING") {
    const values = h("input", { testid: "tell-values", placeholder: "values, comma-separated" });
    box.append(values, h("button", { testid: "tell", text: "Tell COMPLETE", onclick: () => done(post(`${base}/tell`,
      { state: "COMPLETE", values: values.value.split(",").map(Number) })) }));
  }
  if (t.state === "RUNNING") {
    box.append(h("button", { testid: "fail", text: "Fail this stuck trial", onclick: () => {
      if (window.confirm(`Mark trial ${t.number} FAIL?`)) done(post(`${base}/fail`, {}));
    } }));
  }
  box.append(status);
  return box;
}
