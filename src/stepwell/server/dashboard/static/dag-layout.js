// A layered layout of a DAG, computed once per graph (plain data in, coordinates out).
//
// Layers are longest paths from the sources (Kahn's order, so O(nodes + edges)). Within a
// layer, nodes are ordered by the mean position of their neighbours, in sweeps down, up
// and down again, which untangles most crossings. A layer wider than MAX_ROW nodes wraps
// onto several rows, so a 500-step fan-out stays a readable block instead of a strip
// 100,000 pixels wide.

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 40;
const GAP_X = 36;
const GAP_Y = 50;
const ROW_GAP = 18;
const MARGIN = 20;
export const MAX_ROW = 12;

function layersOf(ids, edges) {
  const parents = new Map(ids.map((id) => [id, []]));
  const children = new Map(ids.map((id) => [id, []]));
  const waiting = new Map(ids.map((id) => [id, 0]));
  for (const [from, to] of edges) {
    parents.get(to).push(from);
    children.get(from).push(to);
    waiting.set(to, waiting.get(to) + 1);
  }
  const layer = new Map();
  const ready = ids.filter((id) => waiting.get(id) === 0);
  for (let index = 0; index < ready.length; index += 1) {
    const id = ready[index];
    const depth = Math.max(-1, ...parents.get(id).map((p) => layer.get(p) ?? -1)) + 1;
    layer.set(id, depth);
    for (const child of children.get(id)) {
      waiting.set(child, waiting.get(child) - 1);
      if (waiting.get(child) === 0) ready.push(child);
    }
  }
  for (const id of ids) if (!layer.has(id)) layer.set(id, 0); // a cycle: cannot be in a spec
  const layers = [];
  for (const id of ids) (layers[layer.get(id)] ||= []).push(id);
  return { layers: layers.filter(Boolean), parents, children };
}

function sweep(layers, neighbours, order, indices) {
  for (const index of indices) {
    const members = layers[index];
    const weight = new Map();
    for (const id of members) {
      const near = neighbours.get(id).map((n) => order.get(n)).filter((v) => v !== undefined);
      weight.set(id, near.length ? near.reduce((a, b) => a + b, 0) / near.length : order.get(id));
    }
    members.sort((a, b) => weight.get(a) - weight.get(b));
    // Positions as fractions of the layer's width, so wide and narrow layers compare.
    members.forEach((id, slot) => order.set(id, (slot + 0.5) / members.length));
  }
}

// {places: Map id -> {x, y}, width, height} for nodes `ids` and edges [from, to, kind].
export function layout(ids, edges) {
  const { layers, parents, children } = layersOf(ids, edges);
  const order = new Map();
  layers.forEach((members) => members.forEach((id, slot) => order.set(id, (slot + 0.5) / members.length)));
  const down = layers.map((_, i) => i).slice(1);
  const up = layers.map((_, i) => i).reverse().slice(1);
  sweep(layers, parents, order, down);
  sweep(layers, children, order, up);
  sweep(layers, parents, order, down);

  const widest = Math.min(MAX_ROW, Math.max(1, ...layers.map((m) => m.length)));
  const step = NODE_WIDTH + GAP_X;
  const places = new Map();
  let y = MARGIN;
  for (const members of layers) {
    for (let start = 0; start < members.length; start += MAX_ROW) {
      const row = members.slice(start, start + MAX_ROW);
      const offset = ((widest - row.length) * step) / 2;
      row.forEach((id, slot) => places.set(id, { x: MARGIN + offset + slot * step, y }));
      y += NODE_HEIGHT + ROW_GAP;
    }
    y += GAP_Y - ROW_GAP;
  }
  return {
    places,
    width: 2 * MARGIN + widest * step - GAP_X,
    height: Math.max(y - GAP_Y + MARGIN, 2 * MARGIN + NODE_HEIGHT),
  };
}
