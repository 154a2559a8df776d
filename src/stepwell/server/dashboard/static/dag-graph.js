// What the run page's DAG shows, as plain data (no DOM): nodes and edges from the snapshot's
// spec and the run's step runs, with the mapped steps of a dynamic pipeline grouped.
//
// - A node per invocation of the spec, plus one per step run the spec does not know yet (a
//   dynamic run adds invocations while it runs; its snapshot's spec is written at the end).
// - Edges: "data" where an input reads another invocation's output, "after" for `after=`
//   order. Steps the spec does not know get data edges from the step runs that produced
//   their inputs (`upstream_step_run_ids` of the run's step states).
// - `map`/`product` name their invocations `<step>:0`, `<step>:1`, ...: two or more of them
//   with the same `<step>` become one group node (counts by status), unless expanded.

export const MAPPED = /^(.+):(\d+)$/;

// Group key of a mapped invocation id, else null.
export function groupOf(id) {
  const match = MAPPED.exec(id);
  return match ? match[1] : null;
}

// Every invocation id, and the edges [from, to, kind] between them (kind "data" or "after").
export function collect(spec, steps) {
  const ids = [];
  const known = new Set();
  const add = (id) => {
    if (!known.has(id)) {
      known.add(id);
      ids.push(id);
    }
  };
  const invocations = (spec && spec.invocations) || [];
  for (const inv of invocations) add(inv.id);
  for (const name of Object.keys(steps || {})) add(name);
  const edges = new Map();
  const link = (from, to, kind) => {
    const key = `${from}>${to}`;
    if (from !== to && known.has(from) && known.has(to) && !edges.has(key)) {
      edges.set(key, [from, to, kind]);
    }
  };
  const inSpec = new Set();
  for (const inv of invocations) {
    inSpec.add(inv.id);
    if (Array.isArray(inv.inputs)) {
      // A snapshot graph (`/snapshots/<id>/graph`) lists the producing invocations.
      for (const from of inv.inputs) link(from, inv.id, "data");
    } else {
      for (const input of Object.values(inv.inputs || {})) {
        for (const source of input.artifacts || []) link(source.invocation_id, inv.id, "data");
      }
    }
    for (const before of inv.after || []) link(before, inv.id, "after");
  }
  const byStepRun = new Map(Object.entries(steps || {}).map(([name, step]) => [step.id, name]));
  for (const [name, step] of Object.entries(steps || {})) {
    if (inSpec.has(name)) continue;
    for (const upstream of step.upstream_step_run_ids || []) {
      const producer = byStepRun.get(upstream);
      if (producer) link(producer, name, "data");
    }
  }
  return { ids, edges: [...edges.values()] };
}

// The graph as drawn: groups of mapped steps folded into one node each (those in
// `expanded` stay open). Nodes: {id, label, members}; edges between drawn nodes.
export function fold({ ids, edges }, expanded = new Set()) {
  const members = new Map();
  for (const id of ids) {
    const group = groupOf(id);
    if (group !== null) (members.get(group) || members.set(group, []).get(group)).push(id);
  }
  const shownAs = new Map();
  const nodes = [];
  const placed = new Set();
  for (const id of ids) {
    const group = groupOf(id);
    const folded = group !== null && members.get(group).length > 1 && !expanded.has(group);
    if (!folded) {
      shownAs.set(id, id);
      nodes.push({ id, label: id, members: [id], group: group !== null && members.get(group).length > 1 ? group : null });
      continue;
    }
    const nodeId = `group:${group}`;
    shownAs.set(id, nodeId);
    if (!placed.has(nodeId)) {
      placed.add(nodeId);
      nodes.push({ id: nodeId, label: group, members: members.get(group), group });
    }
  }
  const folded = new Map();
  for (const [from, to, kind] of edges) {
    const a = shownAs.get(from);
    const b = shownAs.get(to);
    const key = `${a}>${b}`;
    if (a === b) continue;
    const old = folded.get(key);
    // A data edge wins over an after= edge between the same two drawn nodes.
    if (!old || (old[2] === "after" && kind === "data")) folded.set(key, [a, b, kind]);
  }
  return { nodes, edges: [...folded.values()] };
}

// Counts of the members' statuses: {completed: 3, running: 1, ...} (no step run: pending).
export function countStatuses(memberIds, steps) {
  const counts = {};
  for (const id of memberIds) {
    const status = steps[id] ? steps[id].status : "pending";
    counts[status] = (counts[status] || 0) + 1;
  }
  return counts;
}

// The one status a group shows: the most urgent of its members'.
const URGENCY = ["failed", "running", "retrying", "initializing", "stopping", "pending", "stopped", "skipped", "completed", "cached"];

export function groupStatus(counts) {
  for (const status of URGENCY) if (counts[status]) return status;
  return Object.keys(counts)[0] || "pending";
}
