// One run: its DAG coloured by step status, its steps, details and the "why did this re-run"
// panel, and a stop button for members and admins.
//
// Steps come as brief step states (`/runs/<id>/step-states`: status, times, producers of
// inputs), not full step runs: a 500-step run is 150 kB instead of 1.7 MB. Live while the
// run is in progress, at the cost of the changes: every poll asks for the run's row and for
// the step states updated since the newest change seen (`updated_after`, with a few seconds
// of overlap for writes that commit late), and redraws only the nodes and rows that
// changed. When the run ends, one last full read of its steps settles everything.

import { api, NotLoggedIn } from "../api.js";
import { drawDag } from "../dag.js";
import { badge, duration, h, isActive, link, message, section, table } from "../dom.js";
import { configuration, rerunPanel, summary, tagsAndMetadata } from "./run-details.js";

const ROLES = ["viewer", "member", "admin"];
const POLL_MS = 1500;
const OVERLAP_MS = 5000; // re-read changes this much older than the newest seen
const OPEN_TABLE_UP_TO = 100; // steps; a bigger run's step table opens on demand
const EXPLAIN_UP_TO = 60; // steps; a bigger run's re-run panel asks only when opened

function stepRow(id, step) {
  return h(
    "tr",
    { "data-step": id, "data-status": step.status },
    h("td", null, link(`#/steps/${step.id}`, id)),
    h("td", null, badge(step.status)),
    h("td", { class: "num" }, step.attempt),
    h("td", { class: "num" }, duration(step.start_time, step.end_time)),
    h("td", null, step.original_step_run_id ? "cached" : ""),
  );
}

function newestUpdate(steps, run) {
  let newest = run.created || "";
  for (const step of Object.values(steps)) if (step.updated > newest) newest = step.updated;
  return newest;
}

// The run's step states (latest attempts, in brief), all or those changed since `cursor`.
async function stepStates(runId, cursor) {
  const since = cursor ? new Date(new Date(cursor).getTime() - OVERLAP_MS).toISOString() : undefined;
  return api(`/runs/${runId}/step-states`, { query: { updated_after: since } });
}

function byName(states) {
  return Object.fromEntries(states.map((state) => [state.name, state]));
}

export async function render(view, { id, session }) {
  let run = await api(`/runs/${encodeURIComponent(id)}`);
  // The DAG needs the snapshot's graph (ids and edges), not its spec: 30 kB instead of 500
  // kB for 500 steps, kept by the browser and revalidated by its ETag.
  const [graph, firstSteps] = await Promise.all([
    run.snapshot_id ? api(`/snapshots/${run.snapshot_id}/graph`) : null,
    stepStates(run.id),
  ]);
  let steps = byName(firstSteps);
  const extra = {};

  const status = h("span", { id: "run-status" }, badge(run.status));
  const heading = h("h1", null, "Run ", h("span", { class: "mono" }, run.name), " ", status);
  const notice = h("div");
  const mayStop = ROLES.indexOf((await session.ready).role) >= ROLES.indexOf("member");
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

  const summaryBox = h("div", { id: "run-summary" }, summary(run, steps, extra));
  const dagBox = h("div", { class: "dag-box" });
  const dag = graph ? drawDag(graph, steps) : null;
  dagBox.append(dag ? dag.element : message("This run has no snapshot to draw its DAG from."));

  const stepBody = h("tbody");
  const rows = new Map();
  const showStep = (name, step) => {
    const fresh = stepRow(name, step);
    const old = rows.get(name);
    if (old) old.replaceWith(fresh);
    else stepBody.append(fresh);
    rows.set(name, fresh);
  };
  const stepTable = table(["Step", "Status", "Attempt", "Duration", ""], [], { id: "steps" });
  stepTable.querySelector("tbody").replaceWith(stepBody);
  const count = Object.keys(steps).length;
  // The heading counts the steps the page knows, so it follows the rows as they arrive.
  const stepCount = h("h2", { class: "inline", id: "steps-count" }, `Steps (${count})`);
  const stepPanel = h("details", { class: "panel", id: "steps-panel", open: count <= OPEN_TABLE_UP_TO },
    h("summary", null, stepCount), stepTable);
  // Rows are made when the table is first shown: a 500-step run draws its DAG first.
  let tableFilled = false;
  const fillTable = () => {
    if (tableFilled || !stepPanel.open) return;
    tableFilled = true;
    for (const [name, step] of Object.entries(steps)) showStep(name, step);
  };
  stepPanel.addEventListener("toggle", fillTable);
  fillTable();

  const rerun = rerunPanel(run, { open: !isActive(run.status) && count <= EXPLAIN_UP_TO });
  const detailsBox = h("div");
  view.append(
    heading,
    h("div", { class: "actions" }, stop),
    notice,
    section("DAG", dagBox),
    section("Details", summaryBox),
    stepPanel,
    rerun.element,
    detailsBox,
  );
  if (dag) {
    dag.show(); // measures the frame, which lays the page out
    performance.mark("stepwell:dag-drawn");
  }
  if (!dag && !count) view.append(message("No steps recorded."));
  // What the DAG does not need arrives after it is drawn.
  if (run.snapshot_id) {
    api(`/snapshots/${run.snapshot_id}`).then((snapshot) => {
      extra.snapshotName = snapshot.name;
      summaryBox.replaceChildren(summary(run, steps, extra));
    }, () => {});
  }
  if (run.stack_id) {
    // The masked view: `/stacks/{id}` would carry a member's stored secret settings.
    api(`/masked-stacks/${run.stack_id}`).then((stack) => {
      extra.stackName = stack.name;
      summaryBox.replaceChildren(summary(run, steps, extra));
    }, () => {});
  }
  tagsAndMetadata(run).then(
    (parts) => detailsBox.replaceChildren(...parts, ...configuration(run)),
    (error) => detailsBox.replaceChildren(message(error.message, "error"), ...configuration(run)),
  );

  let timer = null;
  let stopped = false;
  let cursor = newestUpdate(steps, run);
  const apply = (changed) => {
    if (!changed.length) return;
    steps = { ...steps };
    for (const step of changed) {
      const old = steps[step.name];
      if (!old || old.attempt <= step.attempt) steps[step.name] = step;
      if (step.updated > cursor) cursor = step.updated;
      if (tableFilled) showStep(step.name, steps[step.name]);
    }
    if (dag) dag.update(steps);
    stepCount.textContent = `Steps (${Object.keys(steps).length})`;
  };
  const poll = async () => {
    if (stopped) return;
    try {
      run = await api(`/runs/${run.id}`);
      const ended = !isActive(run.status);
      // The run's end settles it all: one full read, whatever the cursor missed.
      const changed = await stepStates(run.id, ended ? null : cursor);
      if (stopped) return;
      apply(changed);
      status.replaceChildren(badge(run.status));
      summaryBox.replaceChildren(summary(run, steps, extra));
      stop.hidden = !(mayStop && isActive(run.status));
      if (ended) {
        rerun.refresh();
        return;
      }
    } catch (error) {
      if (error instanceof NotLoggedIn) throw error;
      notice.replaceChildren(message(`Live updates paused: ${error.message}`, "error"));
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  };
  if (isActive(run.status)) timer = setTimeout(poll, POLL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
