// One artifact version: its facts, producer and consumers, metadata and tags, and its
// visualizations. A visualization is shown in an <iframe sandbox> (no allow-scripts, no
// allow-same-origin) whose document the server answers with `CSP: sandbox`: user HTML runs
// nowhere near the dashboard's origin, cookies or DOM.

import { api } from "../api.js";
import { facts, h, link, message, section, table } from "../dom.js";

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

export async function render(view, { id }) {
  const version = await api(`/artifact-versions/${encodeURIComponent(id)}`);
  const [consumers, metadata, tags] = await Promise.all([
    api(`/artifact-versions/${version.id}/consumers`),
    shownMetadata("artifact_version", version.id).catch(() => ({})),
    tagsOf("artifact_version", version.id).catch(() => []),
  ]);
  const previews = version.visualizations.map((item, index) =>
    h(
      "figure",
      { class: "preview" },
      h("figcaption", null, `${item.type} visualization`),
      h("iframe", {
        class: "visualization",
        sandbox: "",
        referrerpolicy: "no-referrer",
        loading: "lazy",
        title: `${version.name} visualization ${index + 1}`,
        src: `/api/v1/artifact-versions/${version.id}/visualizations/${index}`,
      }),
    ),
  );
  view.append(
    h("h1", null, "Artifact ", h("span", { class: "mono" }, `${version.name} v${version.version}`)),
    facts([
      ["Type", version.type],
      ["Data type", version.data_type],
      ["Materializer", version.materializer],
      ["Size", version.size === null ? "" : `${version.size} bytes`],
      ["Content hash", version.content_hash],
      ["URI", version.uri],
      ["Producer", version.producer_step_run_id ? link(`#/steps/${version.producer_step_run_id}`, "its step run") : ""],
      ["Tags", tags.join(", ")],
      ["Id", version.id],
    ]),
    section(
      "Consumers",
      consumers.length
        ? table(["Step run", "Run"], consumers.map((step) => h("tr", null, h("td", null, link(`#/steps/${step.id}`, step.name)), h("td", null, link(`#/runs/${step.pipeline_run_id}`, "run")))))
        : message("No step has read this version yet."),
    ),
    section("Metadata", facts(Object.entries(metadata).map(([key, value]) => [key, value]))),
    section("Visualizations", previews.length ? previews : message("This version has no visualizations.")),
  );
}
