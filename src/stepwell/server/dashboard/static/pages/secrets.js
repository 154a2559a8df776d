// Secrets: names and keys only. The page reads the list call, whose records carry each key
// with no value; it never asks for a secret by name (that call returns the values), so no
// value reaches the browser. Components refer to a key as {{name.key}}.

import { listAll } from "../api.js";
import { h, link, message, table, when } from "../dom.js";

export async function render(view) {
  const secrets = await listAll("/secrets", { sort_by: "name" }, 1000);
  const rows = secrets.map((secret) =>
    h(
      "tr",
      { "data-secret": secret.name },
      h("td", null, secret.name),
      h("td", null, Object.keys(secret.values || {}).sort().map((key) => h("code", { class: "secret-key" }, key))),
      h("td", null, when(secret.created)),
      h("td", null, when(secret.updated)),
    ),
  );
  view.append(
    h("h1", null, "Secrets"),
    h("p", { class: "legend" }, "Names and keys only; values stay on the server. A stack component uses a value through a reference such as ", h("code", null, "{{name.key}}"), " (see ", link("#/stacks", "stacks"), ")."),
    rows.length ? table(["Secret", "Keys", "Created", "Updated"], rows, { id: "secrets" }) : message("No secrets: create one with `stepwell secret create <name> --key=value`."),
  );
}
