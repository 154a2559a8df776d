// Pipelines and their snapshots, each linked to its runs.

import { listAll } from "../api.js";
import { h, link, message, table, when } from "../dom.js";

export async function render(view) {
  const [pipelines, snapshots] = await Promise.all([
    listAll("/pipelines", { sort_by: "name" }, 1000),
    listAll("/snapshots", { named_only: true }, 1000),
  ]);
  view.append(
    h("h1", null, "Pipelines"),
    pipelines.length
      ? table(
          ["Pipeline", "Created", ""],
          pipelines.map((p) =>
            h("tr", null, h("td", null, p.name), h("td", null, when(p.created)), h("td", null, link(`#/runs?pipeline=${encodeURIComponent(p.name)}`, "runs"))),
          ),
          { id: "pipelines" },
        )
      : message("No pipelines yet."),
    h("h2", null, "Named snapshots"),
    snapshots.length
      ? table(["Snapshot", "Pipeline", "Created"], snapshots.map((s) => h("tr", null, h("td", null, s.name), h("td", null, s.pipeline_name), h("td", null, when(s.created)))))
      : message("No named snapshots."),
  );
}
