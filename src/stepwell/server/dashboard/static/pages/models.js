// Models and their versions side by side: number, name, stage, the runs that made or used
// each version, and one column per metadata key, so versions compare at a glance.

import { api, listAll } from "../api.js";
import { h, link, message, shown, table, when } from "../dom.js";

async function metadataOf(ids) {
  if (!ids.length) return {};
  return api("/metadata/query", { method: "POST", body: { resource_type: "model_version", resource_ids: ids } });
}

// The runs linked to each of `ids`, by version id (one call for all of them).
async function runsOf(ids) {
  const byVersion = {};
  if (!ids.length) return byVersion;
  const links = await listAll("/model-run-links", { model_version_id: `in:${ids.join(",")}`, sort_by: "created" }, 2000);
  for (const item of links) (byVersion[item.model_version_id] ||= []).push(item.pipeline_run);
  return byVersion;
}

function stage(value) {
  return value ? h("span", { class: `stage stage-${value}`, "data-stage": value }, value) : "";
}

async function modelSection(model) {
  const versions = await listAll("/model-versions", { model: model.id, sort_by: "desc:number" }, 50);
  const ids = versions.map((v) => v.id);
  const [metadata, runs] = await Promise.all([metadataOf(ids).catch(() => ({})), runsOf(ids).catch(() => ({}))]);
  const keys = [...new Set(versions.flatMap((v) => Object.keys(metadata[v.id] || {})))].sort();
  const rows = versions.map((v) =>
    h(
      "tr",
      { "data-version": v.name, "data-stage": v.stage || "" },
      h("td", { class: "num" }, String(v.number)),
      h("td", null, v.name),
      h("td", { class: "stage-cell" }, stage(v.stage)),
      h("td", null, (runs[v.id] || []).map((run) => h("div", null, link(`#/runs/${run.id}`, run.name)))),
      h("td", null, when(v.created)),
      keys.map((key) => h("td", { "data-key": key }, key in (metadata[v.id] || {}) ? shown(metadata[v.id][key]) : "")),
    ),
  );
  return h(
    "section",
    { class: "panel model", "data-model": model.name },
    h("h2", null, model.name),
    model.description ? h("p", null, model.description) : null,
    versions.length
      ? table(["#", "Version", "Stage", "Runs", "Created", ...keys], rows, { class: "list model-versions" })
      : message("No versions yet."),
  );
}

export async function render(view) {
  const models = await listAll("/models", { sort_by: "name" }, 500);
  view.append(h("h1", null, "Models"));
  if (!models.length) view.append(message("No models yet: give a pipeline model=Model(name=...)."));
  for (const section of await Promise.all(models.map(modelSection))) view.append(section);
}
