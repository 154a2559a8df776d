// One step run: status, timings, inputs and outputs (linked to their artifact versions),
// the error if it failed, cache key parts, and its logs (followed while it runs: each call
// asks only for the bytes after the last offset).

import { api } from "../api.js";
import { badge, duration, facts, h, isActive, link, section, table, when } from "../dom.js";

function artifactRows(artifacts) {
  return Object.entries(artifacts).flatMap(([name, versions]) =>
    versions.map((version) =>
      h(
        "tr",
        null,
        h("td", null, name),
        h("td", null, link(`#/artifact-versions/${version.id}`, `${version.name} v${version.version}`, { class: "artifact-link" })),
        h("td", null, version.data_type),
      ),
    ),
  );
}

export async function render(view, { id }) {
  let step = await api(`/step-runs/${encodeURIComponent(id)}`);
  const status = h("span", { id: "step-status" }, badge(step.status));
  const logs = h("pre", { id: "step-logs", class: "logs" });
  let offset = 0;
  const readLogs = async () => {
    const answer = await api(`/step-runs/${step.id}/logs`, { query: { offset }, raw: true });
    const text = await answer.text();
    offset = Number(answer.headers.get("X-Log-Size") || offset + text.length);
    if (text) logs.append(document.createTextNode(text));
  };
  const filter = h("input", { type: "search", placeholder: "Find in logs", "aria-label": "Find in logs" });
  filter.addEventListener("input", () => {
    const needle = filter.value.toLowerCase();
    const lines = logs.textContent.split("\n");
    found.textContent = needle ? `${lines.filter((line) => line.toLowerCase().includes(needle)).length} matching lines` : "";
  });
  const found = h("span", { class: "found" });

  view.append(
    h("h1", null, "Step ", h("span", { class: "mono" }, step.name), " ", status),
    h("p", null, link(`#/runs/${step.pipeline_run_id}`, "← its run")),
    facts([
      ["Step", step.step_name],
      ["Attempt", step.attempt],
      ["Started", when(step.start_time)],
      ["Duration", duration(step.start_time, step.end_time)],
      ["Status message", step.status_message],
      ["Cached from", step.original_step_run_id ? link(`#/steps/${step.original_step_run_id}`, step.original_step_run_id) : ""],
      ["Id", step.id],
    ]),
    step.exception ? section("Error", h("pre", { class: "error-text" }, step.exception)) : null,
    section("Inputs", table(["Input", "Artifact version", "Type"], artifactRows(step.inputs))),
    section("Outputs", table(["Output", "Artifact version", "Type"], artifactRows(step.outputs))),
    section("Parameters", facts(Object.entries(step.config.parameters || {}))),
    section("Logs", h("div", { class: "filters" }, filter, found), logs),
    section("Cache key parts", facts([["cache key", step.cache_key], ...Object.entries(step.cache_components || {})])),
  );
  await readLogs();

  let timer = null;
  let stopped = false;
  const poll = async () => {
    if (stopped || !isActive(step.status)) return;
    step = await api(`/step-runs/${step.id}`);
    await readLogs();
    status.replaceChildren(badge(step.status));
    timer = setTimeout(poll, 1500);
  };
  timer = setTimeout(poll, 1500);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
