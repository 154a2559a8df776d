// One artifact version: its facts (type, materializer, size, content hash), the step run
// that produced it and those that read it (linked), its metadata and tags, the other versions
// of the artifact, and its visualizations. A visualization is shown in an <iframe sandbox>
// (no allow-scripts, no allow-same-origin) whose document the server answers with
// `CSP: sandbox`: user HTML runs nowhere near the dashboard's origin, cookies or DOM.

import { api } from "../api.js";
import { facts, h, humanSize, link, message, section, shown, table, when } from "../dom.js";

async function shownMetadata(resourceType, id) {
  const answer = await api("/metadata/query", {
    method: "POST",
    body: { resource_type: resourceType, resource_ids: [id] },
  });
  return answer[id] || {};
}

async function tagsOf(resourceType, id) {
  const answer = await api("/tag-links/query", {
    method: "POST",
    body: { resource_type: resourceType, resource_ids: [id] },
  });
  return (answer[id] || []).map((tag) => tag.name);
}

// The names of runs by id (one read per distinct run; a run that cannot be read is left out).
async function runNames(ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const runs = await Promise.all(unique.map((id) => api(`/runs/${id}`).catch(() => null)));
  return new Map(runs.filter(Boolean).map((run) => [run.id, run.name]));
}

function runLink(names, id, attributes = {}) {
  return link(`#/runs/${id}`, names.get(id) || id, { class: "run-link", ...attributes });
}

function stepRunLink(step, id) {
  return link(`#/steps/${step.id}`, step.name, { class: "step-link", id });
}

function preview(version, item, index) {
  return h(
    "figure",
    { class: "preview", "data-type": item.type },
    h("figcaption", null, `${item.type} visualization`),
    h("iframe", {
      class: "visualization",
      sandbox: "",
      referrerpolicy: "no-referrer",
      loading: "lazy",
      title: `${version.name} visualization ${index + 1}`,
      src: `/api/v1/artifact-versions/${version.id}/visualizations/${index}`,
    }),
  );
}

export async function render(view, { id }) {
  const version = await api(`/artifact-versions/${encodeURIComponent(id)}`);
  const [consumers, metadata, tags, producer, siblings] = await Promise.all([
    api(`/artifact-versions/${version.id}/consumers`),
    shownMetadata("artifact_version", version.id).catch(() => ({})),
    tagsOf("artifact_version", version.id).catch(() => []),
    version.producer_step_run_id ? api(`/step-runs/${version.producer_step_run_id}`).catch(() => null) : null,
    api("/artifact-versions", { query: { artifact_id: version.artifact_id, sort_by: "desc:version_number", size: 20 } }).catch(() => ({ items: [] })),
  ]);
  const names = await runNames([producer && producer.pipeline_run_id, ...consumers.map((step) => step.pipeline_run_id)]);
  const producerCell = producer
    ? h("span", null, stepRunLink(producer, "producer"), " in ", runLink(names, producer.pipeline_run_id, { id: "producer-run" }))
    : version.producer_step_run_id
      ? link(`#/steps/${version.producer_step_run_id}`, "its step run", { id: "producer" })
      : "none (registered, not produced by a step)";
  const consumerRows = consumers.map((step) =>
    h("tr", null, h("td", null, stepRunLink(step)), h("td", null, step.status), h("td", null, runLink(names, step.pipeline_run_id)), h("td", null, when(step.start_time))),
  );
  const versionRows = siblings.items.map((other) =>
    h(
      "tr",
      { class: other.id === version.id ? "current" : undefined },
      h("td", null, other.id === version.id ? other.version : link(`#/artifact-versions/${other.id}`, other.version)),
      h("td", null, other.data_type),
      h("td", null, other.content_hash || ""),
      h("td", null, when(other.created)),
    ),
  );
  view.append(
    h("h1", null, "Artifact ", h("span", { class: "mono" }, `${version.name} v${version.version}`)),
    section("Details", facts([
      ["Artifact type", version.type],
      ["Data type", version.data_type],
      ["Materializer", version.materializer],
      ["Size", h("span", { id: "artifact-size", title: `${version.size} bytes` }, humanSize(version.size))],
      ["Content hash", version.content_hash],
      ["Digest", version.digest],
      ["Producer", producerCell],
      ["Created", when(version.created)],
      ["Tags", tags.length ? h("span", { id: "artifact-tags" }, tags.map((tag) => h("span", { class: "tag" }, tag))) : ""],
      ["URI", version.uri],
      ["Id", version.id],
    ])),
    section(
      "Visualizations",
      version.visualizations.length
        ? version.visualizations.map((item, index) => preview(version, item, index))
        : message("This version has no visualizations."),
    ),
    section(
      "Consumers",
      consumers.length
        ? table(["Step run", "Status", "Run", "Started"], consumerRows, { id: "consumers" })
        : message("No step has read this version yet."),
    ),
    section(
      "Metadata",
      Object.keys(metadata).length
        ? facts(Object.entries(metadata).map(([key, value]) => [key, shown(value)]))
        : message("No metadata."),
    ),
    versionRows.length > 1 ? section("Versions of this artifact", table(["Version", "Data type", "Content hash", "Created"], versionRows)) : "",
  );
}
