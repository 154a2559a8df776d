// One snapshot: what it runs (pipeline, steps, parameters), its recent runs, and a form that
// triggers it with a run configuration typed as YAML or JSON. The text goes to the server
// as it is (`run_configuration_yaml`), and the server parses and checks it against the
// snapshot before anything runs: its error is shown under the editor and no run is made.
// On success the page moves to the new run.

import { api } from "../api.js";
import { badge, facts, h, link, message, section, table, when } from "../dom.js";
import { toYaml } from "../yaml.js";

const ROLES = ["viewer", "member", "admin"];

// The run configuration a trigger starts from: the snapshot's pipeline parameters and the
// step parameters its code leaves to configuration (those the code passes cannot be set).
export function startingConfiguration(snapshot) {
  const data = {};
  const parameters = (snapshot.config && snapshot.config.parameters) || {};
  if (Object.keys(parameters).length) data.parameters = parameters;
  const steps = {};
  for (const invocation of (snapshot.spec && snapshot.spec.invocations) || []) {
    const chosen = {};
    for (const [name, input] of Object.entries(invocation.inputs || {})) {
      const value = ((invocation.config || {}).parameters || {})[name];
      if (input.kind === "parameter" && !input.in_code && value !== undefined) chosen[name] = value;
    }
    if (Object.keys(chosen).length) steps[invocation.id] = { parameters: chosen };
  }
  if (Object.keys(steps).length) data.steps = steps;
  return data;
}

function editorText(snapshot) {
  const title = snapshot.name ? `snapshot '${snapshot.name}'` : "this snapshot";
  return [
    `# Run configuration for ${title} of pipeline '${snapshot.pipeline_name}', in YAML or JSON.`,
    "# Its values outrank the snapshot's own; the server checks it before anything runs.",
    toYaml(startingConfiguration(snapshot)),
  ].join("\n");
}

function triggerForm(snapshot) {
  const editor = h("textarea", {
    id: "run-configuration",
    name: "run_configuration",
    class: "editor mono",
    rows: 14,
    spellcheck: "false",
    "aria-label": "Run configuration (YAML or JSON)",
  });
  editor.value = editorText(snapshot);
  const problem = h("div", { id: "trigger-error" });
  const submit = h("button", { type: "submit", id: "trigger-run", class: "primary" }, "Trigger run");
  const form = h(
    "form",
    { id: "trigger-form", class: "trigger" },
    h("label", { for: "run-configuration" }, "Run configuration (YAML or JSON)"),
    editor,
    h("div", { class: "actions" }, submit, " ", h("button", { type: "button", id: "reset-configuration", onclick: () => { editor.value = editorText(snapshot); } }, "Reset")),
    problem,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    submit.disabled = true;
    try {
      const run = await api(`/snapshots/${snapshot.id}/trigger`, {
        method: "POST",
        body: { run_configuration_yaml: editor.value },
      });
      window.location.hash = `#/runs/${run.id}`;
    } catch (error) {
      if (error.name === "NotLoggedIn") throw error;
      problem.replaceChildren(h("pre", { class: "error-text", role: "alert" }, error.message));
      submit.disabled = false;
    }
  });
  return form;
}

export async function render(view, { id, session }) {
  const snapshot = await api(`/snapshots/${encodeURIComponent(id)}`);
  const runs = await api("/runs", { query: { snapshot_id: snapshot.id, sort_by: "desc:created", size: 20 } });
  const invocations = (snapshot.spec && snapshot.spec.invocations) || [];
  const mayTrigger = ROLES.indexOf((await session.ready).role) >= ROLES.indexOf("member");

  view.append(
    h("h1", null, "Snapshot ", h("span", { class: "mono" }, snapshot.name || snapshot.id)),
    facts([
      ["Pipeline", link(`#/snapshots?pipeline=${encodeURIComponent(snapshot.pipeline_name)}`, snapshot.pipeline_name)],
      ["Description", snapshot.description],
      ["Created", when(snapshot.created)],
      ["Steps", invocations.map((inv) => inv.id).join(", ")],
      ["Code", snapshot.code_uri ? "archived (can be triggered)" : "no code archive (cannot be triggered)"],
      ["Id", snapshot.id],
    ]),
    section(
      "Trigger a run",
      mayTrigger
        ? triggerForm(snapshot)
        : message("Triggering a snapshot needs the member role; you are a viewer."),
    ),
    section(
      "Recent runs",
      runs.items.length
        ? table(
            ["Run", "Status", "Created"],
            runs.items.map((run) => h("tr", { "data-run-id": run.id }, h("td", null, link(`#/runs/${run.id}`, run.name)), h("td", null, badge(run.status)), h("td", null, when(run.created)))),
            { id: "snapshot-runs" },
          )
        : message("This snapshot has not run yet."),
    ),
  );
}
