// A run's DAG as one inline SVG: nodes coloured by step status, solid edges for data and
// dashed ones for `after=` order, mapped steps folded into one node with counts by status
// (click it to expand; "Collapse groups" folds them again), zoom and pan.
//
// The graph (`dag-graph`) and its layout (`dag-layout`) are computed once and again only
// when the set of drawn nodes changes (a dynamic run adding steps, a group opened or
// closed). A status change only rewrites the attributes of the nodes that changed.

import { h, svg } from "./dom.js";
import { collect, countStatuses, fold, groupStatus } from "./dag-graph.js";
import { layout, NODE_HEIGHT, NODE_WIDTH } from "./dag-layout.js";
import { panZoom } from "./zoom.js";

function shorten(text, limit = 25) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function countsText(counts) {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([status, number]) => `${number} ${status}`)
    .join(" · ");
}

function edgePath(a, b) {
  const x1 = a.x + NODE_WIDTH / 2;
  const y1 = a.y + NODE_HEIGHT;
  const x2 = b.x + NODE_WIDTH / 2;
  const y2 = b.y;
  const bend = Math.max(20, (y2 - y1) / 2);
  return `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
}

function nodeElement(node, place) {
  const { x, y } = place;
  const grouped = node.id.startsWith("group:");
  const anchor = svg("a", {
    class: grouped ? "node group" : "node",
    "data-step": grouped ? undefined : node.id,
    "data-group": grouped ? node.group : undefined,
    "data-member-of": !grouped && node.group ? node.group : undefined,
    tabindex: grouped ? 0 : undefined,
    role: grouped ? "button" : undefined,
  });
  anchor.append(
    svg("title", null, grouped ? `${node.group}: ${node.members.length} mapped steps (click to expand)` : node.id),
    svg("rect", { x, y, width: NODE_WIDTH, height: NODE_HEIGHT, rx: 8 }),
  );
  if (grouped) {
    anchor.append(
      svg("rect", { class: "stack", x: x + 4, y: y + NODE_HEIGHT, width: NODE_WIDTH - 8, height: 4, rx: 2 }),
      svg("text", { x: x + 12, y: y + 16 }, `${shorten(node.group, 18)} ×${node.members.length}`),
      svg("text", { class: "counts", x: x + 12, y: y + 32 }, ""),
    );
  } else {
    anchor.append(svg("text", { x: x + 12, y: y + NODE_HEIGHT / 2 + 5 }, shorten(node.label)));
  }
  return anchor;
}

// The DAG of a run's snapshot `spec` and step runs `steps` (invocation id -> step run).
// Returns {element, update(steps), show()}: call show() once the element is in the page.
export function drawDag(spec, steps = {}) {
  const root = svg("svg", {
    class: "dag",
    id: "dag",
    role: "img",
    "aria-label": "The run's steps and their dependencies",
  });
  const view = svg("g", { id: "dag-view" });
  root.append(
    svg("defs", null, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z" }))),
    view,
  );
  const expanded = new Set();
  const collapse = h("button", { type: "button", id: "dag-collapse", hidden: true }, "Collapse groups");
  const button = (id, text, label) => h("button", { type: "button", id, title: label, "aria-label": label }, text);
  const zoomIn = button("dag-zoom-in", "+", "Zoom in");
  const zoomOut = button("dag-zoom-out", "−", "Zoom out");
  const fitButton = button("dag-fit", "Fit", "Fit the whole DAG in view");
  const toolbar = h("div", { class: "dag-tools" }, zoomIn, zoomOut, fitButton, collapse,
    h("span", { class: "legend" }, "Solid: data · dashed: after= order · drag to pan, wheel to zoom"));
  const element = h("div", { class: "dag-frame" }, toolbar, root);

  let current = steps;
  let known = new Set();
  let drawn = new Map(); // drawn node id -> {node, anchor, status, counts}
  let zoom = null;
  let size = { width: 0, height: 0 };

  const paint = () => {
    for (const entry of drawn.values()) {
      const { node, anchor } = entry;
      let status;
      if (node.id.startsWith("group:")) {
        const counts = countStatuses(node.members, current);
        const text = countsText(counts);
        if (text !== entry.counts) {
          entry.counts = text;
          anchor.querySelector("text.counts").textContent = text;
          anchor.setAttribute("data-counts", JSON.stringify(counts));
        }
        status = groupStatus(counts);
      } else {
        const step = current[node.id];
        status = step ? step.status : "pending";
        if (step && anchor.getAttribute("href") !== `#/steps/${step.id}`) anchor.setAttribute("href", `#/steps/${step.id}`);
      }
      if (status !== entry.status) {
        entry.status = status;
        anchor.setAttribute("class", `${node.id.startsWith("group:") ? "node group" : "node"} status-${status}`);
        anchor.setAttribute("data-status", status);
      }
    }
  };

  const build = () => {
    const graph = collect(spec, current);
    known = new Set(graph.ids);
    const { nodes, edges } = fold(graph, expanded);
    const placed = layout(nodes.map((n) => n.id), edges);
    size = { width: placed.width, height: placed.height };
    const edgeGroup = svg("g", { class: "edges" });
    for (const [from, to, kind] of edges) {
      edgeGroup.append(svg("path", {
        class: `edge edge-${kind}`,
        "data-from": from.startsWith("group:") ? from.slice(6) : from,
        "data-to": to.startsWith("group:") ? to.slice(6) : to,
        d: edgePath(placed.places.get(from), placed.places.get(to)),
        "marker-end": "url(#arrow)",
      }));
    }
    const nodeGroup = svg("g", { class: "nodes" });
    drawn = new Map();
    for (const node of nodes) {
      const anchor = nodeElement(node, placed.places.get(node.id));
      drawn.set(node.id, { node, anchor, status: null, counts: null });
      nodeGroup.append(anchor);
    }
    view.replaceChildren(edgeGroup, nodeGroup);
    root.setAttribute("height", Math.round(Math.min(Math.max(placed.height + 24, 140), 640)));
    root.dataset.nodes = String(nodes.length);
    collapse.hidden = expanded.size === 0;
    paint();
    if (zoom) zoom.resize(size);
  };

  const toggle = (event) => {
    const target = event.target.closest("a.node.group");
    if (!target) return;
    event.preventDefault();
    expanded.add(target.getAttribute("data-group"));
    build();
  };
  view.addEventListener("click", toggle);
  view.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") toggle(event);
  });
  collapse.addEventListener("click", () => {
    expanded.clear();
    build();
    zoom.fit({ readable: true });
  });

  build();
  zoom = panZoom(root, view, size);
  zoomIn.addEventListener("click", () => zoom.zoomIn());
  zoomOut.addEventListener("click", () => zoom.zoomOut());
  fitButton.addEventListener("click", () => zoom.fit());

  return {
    element,
    show() {
      zoom.fit({ readable: true });
      root.dataset.drawn = "true";
    },
    update(steps) {
      current = steps;
      if (Object.keys(steps).some((name) => !known.has(name))) build();
      else paint();
    },
  };
}
