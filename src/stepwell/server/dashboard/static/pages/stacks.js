// Stacks and their components. The page reads `/masked-stacks`, which the server answers
// with every secret setting already masked (`****`, URLs cut to scheme and host) and
// `{{secret.key}}` references kept as written: secret values never reach the browser.

import { api } from "../api.js";
import { h, link, message, section, table, when } from "../dom.js";

const REFERENCE = /^\{\{\s*[^\s.{}]+\.[^\s{}]+?\s*\}\}$/;

// A configuration value: references and masks marked, so a reader tells them apart.
function value(item) {
  if (typeof item === "string" && REFERENCE.test(item)) return h("code", { class: "secret-ref", title: "a reference to a secret" }, item);
  if (item === "****") return h("span", { class: "masked", title: "a secret setting, masked" }, item);
  if (item !== null && typeof item === "object") {
    const entries = Array.isArray(item) ? item.map((v, i) => [String(i), v]) : Object.entries(item);
    return h("table", { class: "facts nested" }, h("tbody", null, entries.map(([k, v]) => h("tr", null, h("th", null, k), h("td", null, value(v))))));
  }
  return String(item);
}

function configuration(component) {
  const entries = Object.entries(component.configuration || {});
  if (!entries.length) return h("span", { class: "legend" }, "defaults");
  return h("table", { class: "facts nested" }, h("tbody", null, entries.map(([k, v]) => h("tr", null, h("th", null, k), h("td", null, value(v))))));
}

function componentRow(component) {
  return h(
    "tr",
    { "data-component": component.name, "data-type": component.type },
    h("td", null, component.name),
    h("td", null, component.type),
    h("td", null, component.flavor),
    h("td", { class: "configuration" }, configuration(component)),
  );
}

export async function render(view) {
  const { stacks, components } = await api("/masked-stacks");
  const byId = new Map(components.map((c) => [c.id, c]));
  view.append(
    h("h1", null, "Stacks"),
    h("p", { class: "legend" }, "Secret settings are masked; ", h("code", null, "{{name.key}}"), " is a reference to a ", link("#/secrets", "secret"), "'s key."),
  );
  if (!stacks.length) view.append(message("No stacks yet."));
  for (const stack of stacks) {
    const rows = Object.entries(stack.components).map(([type, componentId]) => {
      const component = byId.get(componentId);
      return component ? componentRow(component) : h("tr", null, h("td", null, componentId), h("td", null, type), h("td", { colspan: 2 }, ""));
    });
    view.append(
      h(
        "section",
        { class: "panel stack", "data-stack": stack.name },
        h("h2", null, stack.name, " ", h("span", { class: "legend" }, `created ${when(stack.created)}`)),
        table(["Component", "Type", "Flavor", "Configuration"], rows),
      ),
    );
  }
  view.append(
    section(
      "All components",
      components.length
        ? table(["Component", "Type", "Flavor", "Configuration"], components.map(componentRow), { id: "components" })
        : message("No components."),
    ),
  );
}
