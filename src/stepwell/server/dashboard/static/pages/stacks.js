// Stacks and their components (configuration shown as stored: secret values are kept as
// {{secret.key}} references, never resolved here).

import { listAll } from "../api.js";
import { h, message, section, table } from "../dom.js";

export async function render(view) {
  const [stacks, components] = await Promise.all([listAll("/stacks", {}, 500), listAll("/components", {}, 1000)]);
  const byId = new Map(components.map((c) => [c.id, c]));
  view.append(h("h1", null, "Stacks"));
  if (!stacks.length) view.append(message("No stacks yet."));
  for (const stack of stacks) {
    const rows = Object.entries(stack.components || {}).map(([type, value]) => {
      const component = byId.get(typeof value === "string" ? value : value && value.id);
      return h("tr", null, h("td", null, type), h("td", null, component ? component.name : String(value && (value.name || value.id || value))), h("td", null, component ? component.flavor : ""), h("td", null, component ? h("pre", { class: "json" }, JSON.stringify(component.configuration, null, 2)) : ""));
    });
    view.append(section(stack.name, table(["Type", "Component", "Flavor", "Configuration"], rows)));
  }
}
