// Models and their versions side by side: number, name, stage and metadata per version.

import { api, listAll } from "../api.js";
import { h, message, section, shown, table, when } from "../dom.js";

async function metadataOf(ids) {
  if (!ids.length) return {};
  return api("/metadata/query", { method: "POST", body: { resource_type: "model_version", resource_ids: ids } });
}

export async function render(view) {
  const models = await listAll("/models", { sort_by: "name" }, 500);
  view.append(h("h1", null, "Models"));
  if (!models.length) view.append(message("No models yet."));
  for (const model of models) {
    const versions = await listAll("/model-versions", { model: model.id, sort_by: "desc:number" }, 50);
    const metadata = await metadataOf(versions.map((v) => v.id)).catch(() => ({}));
    const keys = [...new Set(versions.flatMap((v) => Object.keys(metadata[v.id] || {})))].sort();
    const rows = versions.map((v) =>
      h(
        "tr",
        { "data-version": v.name },
        h("td", null, String(v.number)),
        h("td", null, v.name),
        h("td", null, v.stage ? h("span", { class: `stage stage-${v.stage}` }, v.stage) : ""),
        h("td", null, when(v.created)),
        keys.map((key) => h("td", null, key in (metadata[v.id] || {}) ? shown(metadata[v.id][key]) : "")),
      ),
    );
    view.append(section(model.name, table(["#", "Version", "Stage", "Created", ...keys], rows, { class: "list model-versions" })));
  }
}
