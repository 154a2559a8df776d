// Building the page safely: every string goes in as text (textContent or an attribute set
// with setAttribute), never parsed as HTML, so data from the store cannot inject markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "text") {
      element.textContent = String(value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// h("a", {href: "#/runs", class: "x"}, "text", otherNode)
export function h(tag, attributes, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

export function svg(tag, attributes, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

export const FINISHED = new Set(["completed", "cached", "failed", "retried", "skipped", "stopped"]);

export function isActive(status) {
  return !FINISHED.has(status);
}

export function badge(status) {
  return h("span", { class: `badge status-${status}`, "data-status": status }, status);
}

export function when(text) {
  if (!text) return "";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? String(text) : date.toLocaleString();
}

export function duration(start, end) {
  if (!start) return "";
  const seconds = ((end ? new Date(end) : new Date()) - new Date(start)) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

// A byte count as people read it: "1 byte", "512 bytes", "2.3 kB", "4.0 MB" (powers of 1000).
export function humanSize(bytes) {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1000) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function link(href, text, attributes = {}) {
  return h("a", { href, ...attributes }, text);
}

// A two-column table of names and values (values: strings, nodes or JSON-able data).
export function facts(rows) {
  return h(
    "table",
    { class: "facts" },
    h(
      "tbody",
      null,
      rows
        .filter(([, value]) => value !== undefined && value !== null && value !== "")
        .map(([name, value]) => h("tr", null, h("th", null, name), h("td", null, shown(value)))),
    ),
  );
}

export function shown(value) {
  if (value instanceof Node) return value;
  if (typeof value === "object") return h("pre", { class: "json" }, JSON.stringify(value, null, 2));
  return String(value);
}

export function table(headings, rows, attributes = {}) {
  return h(
    "table",
    { class: "list", ...attributes },
    h("thead", null, h("tr", null, headings.map((name) => h("th", null, name)))),
    h("tbody", null, rows),
  );
}

export function message(text, kind = "note") {
  return h("p", { class: `message ${kind}`, role: kind === "error" ? "alert" : undefined }, text);
}

export function section(title, ...children) {
  return h("section", { class: "panel" }, h("h2", null, title), ...children);
}
