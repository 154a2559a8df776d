// The parts of the run page around its DAG: the summary (pipeline, snapshot, stack, times,
// step counts), tags, metadata, parameters and configuration, and the "why did this re-run"
// panel built from the server's cache explanations (the same verdicts as
// `stepwell pipeline runs explain`).

import { api } from "../api.js";
import { badge, duration, facts, h, link, message, section, table, when } from "../dom.js";

export function stepCounts(steps) {
  const all = Object.values(steps);
  const cached = all.filter((step) => step.status === "cached").length;
  return `${cached} cached / ${all.length} steps`;
}

// The summary table; `extra` holds what arrives later (stack name).
export function summary(run, steps, extra = {}) {
  return facts([
    ["Pipeline", link(`#/runs?pipeline=${encodeURIComponent(run.pipeline_name)}`, run.pipeline_name)],
    ["Status message", run.status_message],
    ["Created", when(run.created)],
    ["Started", when(run.start_time)],
    ["Ended", when(run.end_time)],
    ["Duration", duration(run.start_time, run.end_time)],
    ["Steps", stepCounts(steps)],
    ["Snapshot", run.snapshot_id ? link(`#/snapshots/${run.snapshot_id}`, extra.snapshotName || run.snapshot_id, { id: "run-snapshot" }) : ""],
    ["Stack", run.stack_id ? link("#/stacks", extra.stackName || run.stack_id, { id: "run-stack" }) : ""],
    ["Schedule", run.schedule_id],
    ["Model version", run.model_version_id],
    ["Orchestrator", run.orchestrator_host ? `${run.orchestrator_host} (pid ${run.orchestrator_pid})` : ""],
    ["Id", h("span", { class: "mono" }, run.id)],
  ]);
}

// Tags on the run (its tag links and the ones its configuration names) and its metadata.
export async function tagsAndMetadata(run) {
  const [tagged, metadata] = await Promise.all([
    api("/tag-links/query", { method: "POST", body: { resource_type: "pipeline_run", resource_ids: [run.id] } }),
    api("/metadata/query", { method: "POST", body: { resource_type: "pipeline_run", resource_ids: [run.id] } }),
  ]);
  const names = new Set((tagged[run.id] || []).map((tag) => tag.name));
  for (const tag of run.config.tags || []) names.add(typeof tag === "string" ? tag : tag.name);
  const tags = [...names].sort().map((name) => h("span", { class: "tag" }, name));
  const values = metadata[run.id] || {};
  return [
    section("Tags", tags.length ? h("p", { id: "run-tags" }, tags) : message("No tags.")),
    section("Metadata", Object.keys(values).length ? facts(Object.entries(values)) : message("No metadata logged on this run.")),
  ];
}

export function configuration(run) {
  const parameters = Object.entries(run.config.parameters || {});
  return [
    section("Parameters", parameters.length ? facts(parameters) : message("No parameters.")),
    section(
      "Run configuration",
      h("details", null, h("summary", null, "Show the resolved configuration"), h("pre", { class: "json" }, JSON.stringify(run.config, null, 2))),
    ),
  ];
}

function explanationRow(row) {
  const compared = row.compared_with;
  return h(
    "tr",
    { "data-step": row.step, "data-status": row.status },
    h("td", null, row.step),
    h("td", null, badge(row.status)),
    h("td", { class: "why" }, row.reason),
    h("td", null, (row.changed || []).map((part) => h("span", { class: "tag" }, part))),
    h("td", null, compared ? link(`#/runs/${compared.run_id}`, compared.run_name) : ""),
  );
}

// A <details> panel that asks the server why each step re-ran, when it is opened (and
// again through `refresh()` when the run ends while it is open).
export function rerunPanel(run, { open }) {
  const body = h("div", null, message("Open to ask the server."));
  const panel = h(
    "details",
    { class: "panel", id: "rerun-panel", open },
    h("summary", null, h("h2", { class: "inline" }, "Why did this re-run?")),
    h("p", { class: "legend" }, "For each step: a cache hit, or which parts of its cache key changed since the run it could have reused."),
    body,
  );
  let loaded = false;
  const load = async () => {
    loaded = true;
    body.replaceChildren(message("Asking the server…"));
    try {
      const answer = await api(`/runs/${run.id}/cache-explanations`);
      const rows = answer.steps.map(explanationRow);
      body.replaceChildren(
        rows.length
          ? table(["Step", "Status", "Why", "Changed", "Compared with run"], rows, { id: "rerun-table" })
          : message("No steps recorded."),
      );
    } catch (error) {
      body.replaceChildren(message(error.message, "error"));
    }
  };
  panel.addEventListener("toggle", () => {
    if (panel.open && !loaded) load();
  });
  if (open) load();
  return {
    element: panel,
    refresh() {
      if (panel.open) load();
      else loaded = false;
    },
  };
}
