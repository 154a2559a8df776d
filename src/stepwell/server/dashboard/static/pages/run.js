// One run: its DAG coloured by step status (live while the run is in progress), its steps,
// configuration and parameters, and a stop button for members and admins.

import { api } from "../api.js";
import { drawDag } from "../dag.js";
import { badge, duration, facts, h, isActive, link, message, section, table, when } from "../dom.js";

const ROLES = ["viewer", "member", "admin"];

function stepRows(steps) {
  return Object.entries(steps).map(([id, step]) =>
    h(
      "tr",
      { "data-step": id },
      h("td", null, link(`#/steps/${step.id}`, id)),
      h("td", null, badge(step.status)),
      h("td", { class: "num" }, step.attempt),
      h("td", { class: "num" }, duration(step.start_time, step.end_time)),
      h("td", null, step.original_step_run_id ? "cached" : ""),
    ),
  );
}

export async function render(view, { id, session }) {
  let run = await api(`/runs/${encodeURIComponent(id)}`);
  const snapshot = run.snapshot_id ? await api(`/snapshots/${run.snapshot_id}`) : null;
  let steps = await api(`/runs/${run.id}/steps`);

  const heading = h("h1", null, "Run ", h("span", { class: "mono" }, run.name), " ");
  const status = h("span", { id: "run-status" }, badge(run.status));
  heading.append(status);
  const notice = h("div");
  const mayStop = ROLES.indexOf(session.user.role) >= ROLES.indexOf("member");
  const stop = h("button", { id: "stop-run", type: "button", class: "danger" }, "Stop run");
  stop.addEventListener("click", async () => {
    stop.disabled = true;
    try {
      await api(`/runs/${run.id}`, { method: "PATCH", body: { stop_requested_at: new Date().toISOString() } });
      notice.replaceChildren(message("Stop requested: the run stops at its next heartbeat."));
    } catch (error) {
      notice.replaceChildren(message(error.message, "error"));
      stop.disabled = false;
    }
  });
  stop.hidden = !(mayStop && isActive(run.status));

  const summary = h("div");
  const showSummary = () =>
    summary.replaceChildren(
      facts([
        ["Pipeline", run.pipeline_name],
        ["Status message", run.status_message],
        ["Created", when(run.created)],
        ["Duration", duration(run.start_time, run.end_time)],
        ["Snapshot", snapshot ? snapshot.name || snapshot.id : ""],
        ["Stack", run.stack_id],
        ["Id", run.id],
      ]),
    );
  showSummary();

  const dagBox = h("div", { class: "dag-box" });
  let dag = null;
  if (snapshot && snapshot.spec && Array.isArray(snapshot.spec.invocations)) {
    dag = drawDag(snapshot.spec);
    dag.update(steps);
    dagBox.append(dag.element);
  } else {
    dagBox.append(message("This run has no snapshot to draw its DAG from."));
  }
  const stepBody = h("tbody", null, stepRows(steps));
  const stepTable = table(["Step", "Status", "Attempt", "Duration", ""], []);
  stepTable.querySelector("tbody").replaceWith(stepBody);

  view.append(
    heading,
    h("div", { class: "actions" }, stop),
    notice,
    summary,
    section("DAG", h("p", { class: "legend" }, "Solid: data; dashed: after= order."), dagBox),
    section("Steps", stepTable),
    section("Parameters", facts(Object.entries(run.config.parameters || {}))),
    section("Tags", h("p", null, (run.config.tags || []).map((tag) => h("span", { class: "tag" }, typeof tag === "string" ? tag : JSON.stringify(tag))))),
    section("Configuration", h("pre", { class: "json" }, JSON.stringify(run.config, null, 2))),
  );
  if (!dag && !Object.keys(steps).length) view.append(message("No steps recorded."));

  let timer = null;
  let stopped = false;
  const poll = async () => {
    if (stopped || !isActive(run.status)) return;
    run = await api(`/runs/${run.id}`);
    steps = await api(`/runs/${run.id}/steps`);
    if (stopped) return;
    status.replaceChildren(badge(run.status));
    if (dag) dag.update(steps);
    stepBody.replaceChildren(...stepRows(steps));
    showSummary();
    stop.hidden = !(mayStop && isActive(run.status));
    timer = setTimeout(poll, 2000);
  };
  timer = setTimeout(poll, 2000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
