// The runs list: newest first, filtered by pipeline and status. While the page is open it
// asks only for runs updated since the newest change it has seen (`updated=gt:<time>`), and
// patches or inserts those rows: the server's work follows the changes, not the list size.

import { api, listAll } from "../api.js";
import { badge, duration, h, isActive, link, message, table, when } from "../dom.js";

const PAGE_SIZE = 50;
const STATUSES = ["", "running", "completed", "failed", "cached", "stopped", "initializing"];

function row(run) {
  return h(
    "tr",
    { "data-run-id": run.id, "data-status": run.status },
    h("td", null, link(`#/runs/${run.id}`, run.name, { class: "run-link" })),
    h("td", null, run.pipeline_name),
    h("td", null, badge(run.status)),
    h("td", null, when(run.created)),
    h("td", { class: "num" }, duration(run.start_time, run.end_time)),
  );
}

function select(name, options, current) {
  return h(
    "select",
    { name, "aria-label": name },
    options.map(([value, text]) => h("option", { value, selected: value === current }, text)),
  );
}

export async function render(view, { query }) {
  const pipeline = query.get("pipeline") || "";
  const status = query.get("status") || "";
  const filters = { sort_by: "desc:created", size: PAGE_SIZE };
  if (pipeline) filters.pipeline = pipeline;
  if (status) filters.status = status;

  const pipelines = await listAll("/pipelines", { sort_by: "name" }, 500);
  const first = await api("/runs", { query: filters });
  const pipelineChoice = select(
    "pipeline",
    [["", "all pipelines"], ...pipelines.map((p) => [p.name, p.name])],
    pipeline,
  );
  const statusChoice = select("status", STATUSES.map((s) => [s, s || "any status"]), status);
  const onFilter = () => {
    const params = new URLSearchParams();
    if (pipelineChoice.value) params.set("pipeline", pipelineChoice.value);
    if (statusChoice.value) params.set("status", statusChoice.value);
    window.location.hash = `#/runs${params.toString() ? `?${params}` : ""}`;
  };
  pipelineChoice.addEventListener("change", onFilter);
  statusChoice.addEventListener("change", onFilter);

  const body = h("tbody");
  const rows = new Map();
  let newest = "";
  const show = (run, atTop) => {
    const fresh = row(run);
    const old = rows.get(run.id);
    if (old) old.replaceWith(fresh);
    else if (atTop) body.prepend(fresh);
    else body.append(fresh);
    rows.set(run.id, fresh);
    if (run.updated > newest) newest = run.updated;
  };
  first.items.forEach((run) => show(run, false));

  const list = table(["Run", "Pipeline", "Status", "Created", "Duration"], [], { id: "runs" });
  list.querySelector("tbody").replaceWith(body);
  view.append(
    h("h1", null, "Runs"),
    h("div", { class: "filters" }, pipelineChoice, statusChoice),
    first.total === 0 ? message("No runs yet.") : list,
    first.total > PAGE_SIZE ? message(`Showing the newest ${PAGE_SIZE} of ${first.total} runs.`) : null,
  );

  let timer = null;
  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    try {
      const changed = await api("/runs", {
        query: { ...filters, updated: newest ? `gt:${newest}` : undefined, sort_by: "asc:created" },
      });
      changed.items.forEach((run) => show(run, true));
    } catch (error) {
      if (error.name === "NotLoggedIn") throw error;
    }
    const busy = [...rows.values()].some((tr) => isActive(tr.dataset.status));
    if (!stopped) timer = setTimeout(poll, busy ? 2000 : 6000);
  };
  timer = setTimeout(poll, 2000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
