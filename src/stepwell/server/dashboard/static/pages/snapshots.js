// Snapshots, newest first, of every pipeline or of one (`#/snapshots?pipeline=<name>`);
// named ones by default (a run of a pipeline makes an unnamed one), all with `?all=1`. Each
// links to its page, where it can be triggered.

import { api, listAll } from "../api.js";
import { h, link, message, table, when } from "../dom.js";

const PAGE_SIZE = 100;

function choice(name, options, current) {
  return h(
    "select",
    { name, "aria-label": name },
    options.map(([value, text]) => h("option", { value, selected: value === current }, text)),
  );
}

export async function render(view, { query }) {
  const pipeline = query.get("pipeline") || "";
  const all = query.get("all") === "1";
  const filters = { sort_by: "desc:created", size: PAGE_SIZE, named_only: !all };
  if (pipeline) filters.pipeline = pipeline;
  const [pipelines, snapshots] = await Promise.all([listAll("/pipelines", { sort_by: "name" }, 500), api("/snapshots", { query: filters })]);

  const pipelineChoice = choice("pipeline", [["", "all pipelines"], ...pipelines.map((p) => [p.name, p.name])], pipeline);
  const unnamed = h("input", { type: "checkbox", name: "all", checked: all });
  const onFilter = () => {
    const params = new URLSearchParams();
    if (pipelineChoice.value) params.set("pipeline", pipelineChoice.value);
    if (unnamed.checked) params.set("all", "1");
    window.location.hash = `#/snapshots${params.toString() ? `?${params}` : ""}`;
  };
  pipelineChoice.addEventListener("change", onFilter);
  unnamed.addEventListener("change", onFilter);

  const rows = snapshots.items.map((snapshot) =>
    h(
      "tr",
      { "data-snapshot": snapshot.name || snapshot.id },
      h("td", null, link(`#/snapshots/${snapshot.id}`, snapshot.name || `(unnamed) ${snapshot.id.slice(0, 8)}`, { class: "snapshot-link" })),
      h("td", null, snapshot.pipeline_name),
      h("td", null, snapshot.description || ""),
      h("td", null, when(snapshot.created)),
      h("td", null, link(`#/runs?pipeline=${encodeURIComponent(snapshot.pipeline_name)}`, "runs of the pipeline")),
    ),
  );
  view.append(
    h("h1", null, pipeline ? `Snapshots of ${pipeline}` : "Snapshots"),
    h("div", { class: "filters" }, pipelineChoice, h("label", { class: "check" }, unnamed, " include unnamed (one per run)")),
    rows.length
      ? table(["Snapshot", "Pipeline", "Description", "Created", ""], rows, { id: "snapshots" })
      : message(all ? "No snapshots." : "No named snapshots: create one with pipeline.create_snapshot(name=...)."),
    snapshots.total > PAGE_SIZE ? message(`Showing the newest ${PAGE_SIZE} of ${snapshots.total}.`) : "",
  );
}
