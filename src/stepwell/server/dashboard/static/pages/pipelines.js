// Pipelines, each linked to its runs and its snapshots, and the named snapshots (each
// linked to its page, where it can be triggered).

import { listAll } from "../api.js";
import { h, link, message, table, when } from "../dom.js";

export async function render(view) {
  const [pipelines, snapshots] = await Promise.all([
    listAll("/pipelines", { sort_by: "name" }, 1000),
    listAll("/snapshots", { named_only: true, sort_by: "desc:created" }, 1000),
  ]);
  const named = new Map();
  for (const s of snapshots) named.set(s.pipeline_name, (named.get(s.pipeline_name) || 0) + 1);
  const pipelineRows = pipelines.map((p) => {
    const query = encodeURIComponent(p.name);
    const count = named.get(p.name) || 0;
    return h(
      "tr",
      { "data-pipeline": p.name },
      h("td", null, p.name),
      h("td", null, p.description || ""),
      h("td", null, when(p.created)),
      h("td", null, link(`#/runs?pipeline=${query}`, "runs", { class: "runs-link" })),
      h("td", null, link(`#/snapshots?pipeline=${query}`, count ? `snapshots (${count} named)` : "snapshots", { class: "snapshots-link" })),
    );
  });
  view.append(
    h("h1", null, "Pipelines"),
    pipelines.length ? table(["Pipeline", "Description", "Created", "", ""], pipelineRows, { id: "pipelines" }) : message("No pipelines yet."),
    h("h2", { class: "spaced", id: "named-snapshots-heading" }, "Named snapshots"),
    snapshots.length
      ? table(
          ["Snapshot", "Pipeline", "Created"],
          snapshots.map((s) =>
            h("tr", null, h("td", null, link(`#/snapshots/${s.id}`, s.name, { class: "snapshot-link" })), h("td", null, s.pipeline_name), h("td", null, when(s.created))),
          ),
          { id: "named-snapshots" },
        )
      : message("No named snapshots."),
  );
}
