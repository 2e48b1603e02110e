// A plain SVG drawing of a scatter/line figure (the history plot), shown while plotly.js
// (4.8 MB: seconds of parsing on a busy machine) loads; plotly then draws the same figure
// in its place, with hover and zoom.  Same data, same downsampling note.
const NS = "http://www.w3.org/2000/svg";
const HEIGHT = 450;
const MARGIN = { l: 60, r: 20, t: 40, b: 50 };
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];

function svg(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// The API escapes text for plotly (it renders markup); the preview shows it as text.
function unescape(text) {
  const map = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&amp;": "&" };
  return String(text || "").replace(/&(lt|gt|quot|#39|#x27|amp);/g, (m) => map[m]);
}

function title(part) {
  return unescape(part && part.title ? (part.title.text ?? part.title) : "");
}

/** Whether the preview can draw this figure: scatter traces on linear axes only. */
export function canPreview(fig) {
  if (fig.message || !fig.data || !fig.data.length) return false;
  const linear = (axis) => !axis || !axis.type || axis.type === "linear";
  const layout = fig.layout || {};
  return linear(layout.xaxis) && linear(layout.yaxis) && !layout.xaxis2 &&
    fig.data.every((t) => (t.type || "scatter") === "scatter" && Array.isArray(t.x) && Array.isArray(t.y));
}

function extent(traces, key) {
  let lo = Infinity, hi = -Infinity;
  for (const t of traces) for (const v of t[key]) if (v !== null && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

function ticks([lo, hi], count) {
  const raw = (hi - lo) / count;
  const step = Math.pow(10, Math.floor(Math.log10(raw)));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / nice) * nice; v <= hi; v += nice) out.push(Number(v.toPrecision(12)));
  return out;
}

function label(v) {
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(v);
}

function axes(root, sx, sy, xr, yr, w, layout) {
  const g = svg("g", { class: "axes", "font-size": 11, fill: "#444" });
  for (const v of ticks(xr, 6)) {
    g.append(svg("line", { x1: sx(v), x2: sx(v), y1: MARGIN.t, y2: HEIGHT - MARGIN.b, stroke: "#eee" }));
    g.append(svg("text", { x: sx(v), y: HEIGHT - MARGIN.b + 14, "text-anchor": "middle" }, label(v)));
  }
  for (const v of ticks(yr, 5)) {
    g.append(svg("line", { x1: MARGIN.l, x2: w - MARGIN.r, y1: sy(v), y2: sy(v), stroke: "#eee" }));
    g.append(svg("text", { x: MARGIN.l - 4, y: sy(v) + 4, "text-anchor": "end" }, label(v)));
  }
  g.append(svg("text", { x: MARGIN.l, y: 24, "font-size": 15 }, title(layout)));
  g.append(svg("text", { x: (MARGIN.l + w - MARGIN.r) / 2, y: HEIGHT - 12, "text-anchor": "middle" }, title(layout.xaxis)));
  g.append(svg("text", { x: 14, y: HEIGHT / 2, transform: `rotate(-90 14 ${HEIGHT / 2})`, "text-anchor": "middle" }, title(layout.yaxis)));
  root.append(g);
}

function tracePath(t, sx, sy) {
  const parts = [];
  const lines = (t.mode || "markers").includes("lines");
  const steps = t.line && t.line.shape === "hv";
  let last = null;
  for (let i = 0; i < t.x.length; i++) {
    const x = t.x[i], y = t.y[i];
    if (x === null || y === null) { last = null; continue; }
    const px = sx(x).toFixed(1), py = sy(y).toFixed(1);
    if (!lines) parts.push(`M${px} ${py}h0`);
    else if (last === null) parts.push(`M${px} ${py}`);
    else parts.push(steps ? `H${px}V${py}` : `L${px} ${py}`);
    last = i;
  }
  return parts.join("");
}

/** Draw ``fig`` into ``chart`` as SVG; the number of markers drawn (as plotly counts them). */
export function preview(chart, fig) {
  const w = Math.max(chart.clientWidth || 0, 320);
  const xr = extent(fig.data, "x"), yr = extent(fig.data, "y");
  const sx = (v) => MARGIN.l + ((v - xr[0]) / (xr[1] - xr[0])) * (w - MARGIN.l - MARGIN.r);
  const sy = (v) => HEIGHT - MARGIN.b - ((v - yr[0]) / (yr[1] - yr[0])) * (HEIGHT - MARGIN.t - MARGIN.b);
  const root = svg("svg", { width: w, height: HEIGHT, class: "preview", role: "img", "aria-label": title(fig.layout) });
  axes(root, sx, sy, xr, yr, w, fig.layout || {});
  let points = 0;
  fig.data.forEach((t, k) => {
    const color = COLORS[k % COLORS.length];
    const markers = !(t.mode || "markers").includes("lines");
    root.append(svg("path", markers
      ? { d: tracePath(t, sx, sy), stroke: color, "stroke-width": 6, "stroke-linecap": "round", "stroke-opacity": 0.7 }
      : { d: tracePath(t, sx, sy), stroke: color, "stroke-width": 2, fill: "none" }));
    if (markers) points += t.x.filter((v, i) => v !== null && t.y[i] !== null).length;
    root.append(svg("text", { x: w - MARGIN.r - 4, y: MARGIN.t + 14 * (k + 1), "text-anchor": "end", "font-size": 11, fill: color }, unescape(t.name)));
  });
  chart.replaceChildren(root);
  return points;
}
