// One step run: status and timings, parameters, inputs and outputs (linked to their artifact
// versions), every attempt of the step in its run with each failed attempt's error and
// traceback, cache key parts, metadata, and its log: followed while the step runs (each read
// asks only for the bytes after the last offset, see logview.js) and searchable.

import { api } from "../api.js";
import { badge, duration, facts, h, isActive, link, message, section, shown, table, when } from "../dom.js";
import { followLog } from "../logview.js";

const POLL_MS = 1000;

function artifactRows(artifacts) {
  return Object.entries(artifacts).flatMap(([name, versions]) =>
    versions.map((version) =>
      h(
        "tr",
        { "data-name": name },
        h("td", null, name),
        h("td", null, link(`#/artifact-versions/${version.id}`, `${version.name} v${version.version}`, { class: "artifact-link" })),
        h("td", null, version.data_type),
      ),
    ),
  );
}

function artifactTable(kind, artifacts) {
  if (!Object.keys(artifacts).length) return message(`No ${kind.toLowerCase()}s.`);
  return table([kind, "Artifact version", "Type"], artifactRows(artifacts), { class: `list ${kind.toLowerCase()}s` });
}

// The exception text: its last line is the error, the lines before it the traceback.
function errorOf(text) {
  const lines = (text || "").trimEnd().split("\n");
  return { summary: lines[lines.length - 1] || "", traceback: lines.length > 1 ? text : "" };
}

// `kind`: "error-text" for the step run's own error, "attempt-error" in the attempts table.
function errorBlock(text, kind = "error-text") {
  const { summary, traceback } = errorOf(text);
  return h(
    "div",
    { class: "error" },
    h("pre", { class: kind }, summary),
    traceback ? h("details", null, h("summary", null, "Traceback"), h("pre", { class: "traceback" }, traceback)) : null,
  );
}

function attemptRows(attempts, currentId) {
  return attempts.map((attempt) =>
    h(
      "tr",
      { "data-attempt": attempt.attempt, "data-status": attempt.status, class: attempt.id === currentId ? "current" : undefined },
      h("td", { class: "num" }, attempt.id === currentId ? String(attempt.attempt) : link(`#/steps/${attempt.id}`, String(attempt.attempt))),
      h("td", null, badge(attempt.status)),
      h("td", null, when(attempt.start_time)),
      h("td", { class: "num" }, duration(attempt.start_time, attempt.end_time)),
      h("td", null, attempt.exception ? errorBlock(attempt.exception, "attempt-error") : attempt.status_message || ""),
    ),
  );
}

function summaryOf(step, run, attempts) {
  const last = attempts[attempts.length - 1];
  return facts([
    ["Run", run ? link(`#/runs/${run.id}`, run.name, { id: "step-run-link" }) : link(`#/runs/${step.pipeline_run_id}`, step.pipeline_run_id)],
    ["Pipeline", run ? run.pipeline_name : ""],
    ["Step", step.step_name],
    ["Attempt", attempts.length > 1 ? `${step.attempt} of ${attempts.length}` : step.attempt],
    ["Latest attempt", last && last.id !== step.id ? link(`#/steps/${last.id}`, `attempt ${last.attempt} (${last.status})`, { id: "latest-attempt" }) : ""],
    ["Queued", when(step.created)],
    ["Started", when(step.start_time)],
    ["Ended", when(step.end_time)],
    ["Duration", duration(step.start_time, step.end_time)],
    ["Status message", step.status_message],
    ["Cached from", step.original_step_run_id ? link(`#/steps/${step.original_step_run_id}`, "the original step run") : ""],
    ["Source code hash", step.source_code_hash],
    ["Id", step.id],
  ]);
}

async function metadataOf(id) {
  const answer = await api("/metadata/query", { method: "POST", body: { resource_type: "step_run", resource_ids: [id] } });
  return answer[id] || {};
}

export async function render(view, { id }) {
  let step = await api(`/step-runs/${encodeURIComponent(id)}`);
  const attemptsPath = () => `/runs/${step.pipeline_run_id}/steps/${encodeURIComponent(step.name)}/attempts`;
  const [run, metadata] = await Promise.all([
    api(`/runs/${step.pipeline_run_id}`).catch(() => null),
    metadataOf(step.id).catch(() => ({})),
  ]);
  let attempts = await api(attemptsPath()).catch(() => [step]);

  const status = h("span", { id: "step-status" }, badge(step.status));
  const summary = h("div", null, summaryOf(step, run, attempts));
  const errorBox = h("div", { id: "step-error" });
  const showError = () => errorBox.replaceChildren(step.exception ? section("Error", errorBlock(step.exception)) : "");
  showError();
  const attemptBody = h("tbody", null, attemptRows(attempts, step.id));
  const attemptTable = table(["Attempt", "Status", "Started", "Duration", "Error"], [], { id: "attempts", class: "list attempts" });
  attemptTable.querySelector("tbody").replaceWith(attemptBody);
  const outputs = h("div", null, artifactTable("Output", step.outputs));
  const log = followLog(step.id);
  const retry = step.config.retry;
  const cacheParts = Object.entries(step.cache_components || {});

  view.append(
    h("h1", null, "Step ", h("span", { class: "mono" }, step.name), " ", status),
    section("Details", summary),
    errorBox,
    section("Attempts", retry ? h("p", { class: "legend" }, `Retries: up to ${retry.max_retries}, waiting ${retry.delay} s (backoff ×${retry.backoff}).`) : null, attemptTable),
    section("Parameters", Object.keys(step.config.parameters || {}).length ? facts(Object.entries(step.config.parameters)) : message("No parameters.")),
    section("Inputs", artifactTable("Input", step.inputs)),
    section("Outputs", outputs),
    section("Logs", step.logs_uri ? log.element : message("This step run kept no logs (enable_step_logs is off).")),
    section("Cache key", facts([["Cache key", step.cache_key || "none (caching off for this step)"], ...cacheParts])),
    Object.keys(metadata).length ? section("Metadata", facts(Object.entries(metadata).map(([key, value]) => [key, shown(value)]))) : "",
  );
  if (step.logs_uri) await log.read(!isActive(step.status));

  let timer = null;
  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    // Status first, then the log: a log read after a finished status is whole.
    step = await api(`/step-runs/${step.id}`);
    attempts = await api(attemptsPath()).catch(() => attempts);
    const done = !isActive(step.status);
    if (step.logs_uri) await log.read(done);
    if (stopped) return;
    status.replaceChildren(badge(step.status));
    summary.replaceChildren(summaryOf(step, run, attempts));
    attemptBody.replaceChildren(...attemptRows(attempts, step.id));
    showError();
    if (done) {
      outputs.replaceChildren(artifactTable("Output", step.outputs));
      return;
    }
    timer = setTimeout(poll, POLL_MS);
  };
  if (isActive(step.status)) timer = setTimeout(poll, POLL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
