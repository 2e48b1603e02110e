// The JSON API: GETs, token-carrying POSTs, and the status banner when the server or storage is away.

const token = document.querySelector('meta[name="hs-token"]').content;
let failing = false;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function banner(message) {
  const node = document.getElementById("status-banner");
  if (message) {
    node.textContent = message;
    node.hidden = false;
  } else {
    node.textContent = "";
    node.hidden = true;
  }
}

async function call(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    failing = true;
    banner("The dashboard server cannot be reached; retrying\u2026");
    throw new ApiError(0, "network error");
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = { error: `HTTP ${response.status}` };
  }
  if (response.status === 503) {
    failing = true;
    banner(`${body.error || "The storage is not available"} \u2014 retrying\u2026`);
    throw new ApiError(503, body.error);
  }
  if (failing) {
    failing = false;
    banner(null);
    window.dispatchEvent(new Event("hs-recovered"));
  }
  if (!response.ok) throw new ApiError(response.status, body.error || `HTTP ${response.status}`);
  return body;
}

export function get(path) {
  return call(path, { headers: { Accept: "application/json" } });
}

export function post(path, body) {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Hypersearch-Token": token },
    body: JSON.stringify(body || {}),
  });
}

export function isFailing() {
  return failing;
}
