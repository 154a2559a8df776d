// A run's DAG as inline SVG, laid out from the snapshot's spec: each invocation is a node,
// each input read from another invocation's output is a solid edge, each `after=` order a
// dashed one. Layers are longest paths from the sources; within a layer, nodes are ordered
// by the mean position of their parents (one pass), which keeps most edges short.

import { svg } from "./dom.js";

const WIDTH = 190;
const HEIGHT = 38;
const GAP_X = 40;
const GAP_Y = 56;

// The edges of a spec: [from, to, kind] with kind "data" or "after".
export function edgesOf(spec) {
  const ids = new Set(spec.invocations.map((inv) => inv.id));
  const edges = new Map();
  for (const inv of spec.invocations) {
    for (const input of Object.values(inv.inputs || {})) {
      for (const source of input.artifacts || []) {
        if (ids.has(source.invocation_id)) edges.set(`${source.invocation_id}>${inv.id}`, [source.invocation_id, inv.id, "data"]);
      }
    }
    for (const before of [...(inv.after || []), ...(inv.upstream || [])]) {
      const key = `${before}>${inv.id}`;
      if (ids.has(before) && !edges.has(key)) edges.set(key, [before, inv.id, "after"]);
    }
  }
  return [...edges.values()];
}

export function layout(ids, edges) {
  const parents = new Map(ids.map((id) => [id, []]));
  for (const [from, to] of edges) parents.get(to).push(from);
  const layer = new Map();
  const depth = (id, seen = new Set()) => {
    if (layer.has(id)) return layer.get(id);
    if (seen.has(id)) return 0; // a cycle cannot happen in a spec; stay safe anyway
    seen.add(id);
    const value = Math.max(-1, ...parents.get(id).map((p) => depth(p, seen))) + 1;
    layer.set(id, value);
    return value;
  };
  ids.forEach((id) => depth(id));
  const layers = [];
  for (const id of ids) (layers[layer.get(id)] ||= []).push(id);
  const position = new Map();
  layers.forEach((members, index) => {
    if (index > 0) {
      const mean = (id) => {
        const xs = parents.get(id).map((p) => position.get(p)?.slot ?? 0);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      };
      members.sort((a, b) => mean(a) - mean(b));
    }
    members.forEach((id, slot) => position.set(id, { slot, layer: index }));
  });
  const widest = Math.max(1, ...layers.map((members) => members.length));
  const places = new Map();
  layers.forEach((members) => {
    const offset = ((widest - members.length) * (WIDTH + GAP_X)) / 2;
    members.forEach((id) => {
      const { slot, layer: row } = position.get(id);
      places.set(id, { x: 20 + offset + slot * (WIDTH + GAP_X), y: 20 + row * (HEIGHT + GAP_Y) });
    });
  });
  return {
    places,
    width: 40 + widest * (WIDTH + GAP_X) - GAP_X,
    height: 40 + layers.length * (HEIGHT + GAP_Y) - GAP_Y,
  };
}

function shorten(text, limit = 24) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

// The DAG of `spec`; `update(steps)` recolours nodes (steps: invocation id -> step run).
export function drawDag(spec) {
  const ids = spec.invocations.map((inv) => inv.id);
  const edges = edgesOf(spec);
  const { places, width, height } = layout(ids, edges);
  const root = svg("svg", {
    class: "dag",
    id: "dag",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": "The run's steps and their dependencies",
  });
  root.append(
    svg("defs", null, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z" }))),
  );
  for (const [from, to, kind] of edges) {
    const a = places.get(from);
    const b = places.get(to);
    const x1 = a.x + WIDTH / 2;
    const y1 = a.y + HEIGHT;
    const x2 = b.x + WIDTH / 2;
    const y2 = b.y;
    const bend = (y2 - y1) / 2;
    root.append(
      svg("path", {
        class: `edge edge-${kind}`,
        "data-from": from,
        "data-to": to,
        d: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`,
        "marker-end": "url(#arrow)",
      }),
    );
  }
  const nodes = new Map();
  for (const id of ids) {
    const { x, y } = places.get(id);
    const label = svg("text", { x: x + 12, y: y + HEIGHT / 2 + 5 }, shorten(id));
    const title = svg("title", null, id);
    const box = svg("rect", { x, y, width: WIDTH, height: HEIGHT, rx: 8 });
    const anchor = svg("a", { class: "node status-pending", "data-step": id, "data-status": "pending" }, title, box, label);
    nodes.set(id, anchor);
    root.append(anchor);
  }
  const update = (steps) => {
    for (const [id, anchor] of nodes) {
      const step = steps[id];
      const status = step ? step.status : "pending";
      anchor.setAttribute("class", `node status-${status}`);
      anchor.setAttribute("data-status", status);
      if (step) anchor.setAttribute("href", `#/steps/${step.id}`);
    }
  };
  return { element: root, update };
}
