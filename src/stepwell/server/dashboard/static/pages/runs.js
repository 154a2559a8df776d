// The runs list: newest first, one page at a time (PAGE_SIZE rows, never the whole store),
// filtered by pipeline, status, tag and time; status badges, duration, cached/total steps.
//
// Live at the cost of the changes: every poll asks for the runs of this view updated since
// the newest change seen (`updated=gte:`, a few seconds of overlap for late commits), bounded
// below by the oldest run shown (`created=gte:`, on the created index), so only changed rows
// come back; their step counts and tags are then asked for those rows alone.

import { api, listAll, NotLoggedIn } from "../api.js";
import { badge, duration, h, isActive, link, message, table, when } from "../dom.js";

export const PAGE_SIZE = 50;
const OVERLAP_MS = 5000;
const STATUSES = ["", "running", "completed", "failed", "cached", "stopped", "initializing"];
const SINCE = [
  ["", "any time"],
  ["1h", "last hour"],
  ["24h", "last 24 hours"],
  ["7d", "last 7 days"],
  ["30d", "last 30 days"],
];
const HOURS = { "1h": 1, "24h": 24, "7d": 168, "30d": 720 };

function stepsText(counts) {
  if (!counts) return "";
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `${counts.cached || 0} / ${total}`;
}

function row(run, counts, tags) {
  return h(
    "tr",
    { "data-run-id": run.id, "data-status": run.status },
    h("td", null, link(`#/runs/${run.id}`, run.name, { class: "run-link" })),
    h("td", null, run.pipeline_name),
    h("td", null, badge(run.status)),
    h("td", null, when(run.created)),
    h("td", { class: "num" }, duration(run.start_time, run.end_time)),
    h("td", { class: "num steps", title: "cached / total steps" }, stepsText(counts)),
    h("td", null, (tags || []).map((tag) => h("span", { class: "tag" }, tag.name))),
  );
}

function select(name, options, current) {
  return h(
    "select",
    { name, "aria-label": name },
    options.map(([value, text]) => h("option", { value, selected: value === current }, text)),
  );
}

function filtersOf(query) {
  const chosen = {
    pipeline: query.get("pipeline") || "",
    status: query.get("status") || "",
    tag: query.get("tag") || "",
    since: query.get("since") || "",
    page: Math.max(1, Number.parseInt(query.get("page") || "1", 10) || 1),
  };
  const filters = { sort_by: "desc:created", size: PAGE_SIZE, page: chosen.page };
  if (chosen.pipeline) filters.pipeline = chosen.pipeline;
  if (chosen.status) filters.status = chosen.status;
  if (chosen.tag) filters.tags = chosen.tag;
  if (HOURS[chosen.since]) filters.created_after = new Date(Date.now() - HOURS[chosen.since] * 3600e3).toISOString();
  return { chosen, filters };
}

async function extrasOf(ids) {
  if (!ids.length) return [{}, {}];
  return Promise.all([
    api("/runs/step-counts", { method: "POST", body: { run_ids: ids } }),
    api("/tag-links/query", { method: "POST", body: { resource_type: "pipeline_run", resource_ids: ids } }),
  ]);
}

export async function render(view, { query }) {
  const { chosen, filters } = filtersOf(query);
  const [pipelines, first] = await Promise.all([
    listAll("/pipelines", { sort_by: "name" }, 500),
    api("/runs", { query: filters }),
  ]);
  const [counts, tags] = await extrasOf(first.items.map((run) => run.id));

  const pipelineChoice = select("pipeline", [["", "all pipelines"], ...pipelines.map((p) => [p.name, p.name])], chosen.pipeline);
  const statusChoice = select("status", STATUSES.map((s) => [s, s || "any status"]), chosen.status);
  const sinceChoice = select("since", SINCE, chosen.since);
  const tagChoice = h("input", { name: "tag", type: "search", placeholder: "tag", value: chosen.tag, "aria-label": "tag" });
  const go = (page = 1) => {
    const params = new URLSearchParams();
    if (pipelineChoice.value) params.set("pipeline", pipelineChoice.value);
    if (statusChoice.value) params.set("status", statusChoice.value);
    if (tagChoice.value.trim()) params.set("tag", tagChoice.value.trim());
    if (sinceChoice.value) params.set("since", sinceChoice.value);
    if (page > 1) params.set("page", String(page));
    window.location.hash = `#/runs${params.toString() ? `?${params}` : ""}`;
  };
  for (const choice of [pipelineChoice, statusChoice, sinceChoice]) choice.addEventListener("change", () => go());
  tagChoice.addEventListener("change", () => go());

  const body = h("tbody");
  const rows = new Map();
  let cursor = "";
  let oldest = "";
  const show = (run, runCounts, runTags, atTop) => {
    const fresh = row(run, runCounts, runTags);
    const old = rows.get(run.id);
    if (old) old.replaceWith(fresh);
    else if (atTop) body.prepend(fresh);
    else body.append(fresh);
    rows.set(run.id, fresh);
    if (run.updated > cursor) cursor = run.updated;
    if (!oldest || run.created < oldest) oldest = run.created;
  };
  first.items.forEach((run) => show(run, counts[run.id], tags[run.id], false));

  const list = table(["Run", "Pipeline", "Status", "Created", "Duration", "Cached / steps", "Tags"], [], { id: "runs" });
  list.querySelector("tbody").replaceWith(body);
  const pages = Math.max(1, first.total_pages);
  const pager = h(
    "div",
    { class: "pager" },
    chosen.page > 1 ? h("button", { type: "button", id: "newer", onclick: () => go(chosen.page - 1) }, "← Newer") : null,
    h("span", { id: "runs-total" }, first.total ? `Page ${chosen.page} of ${pages} · ${first.total} runs` : ""),
    chosen.page < pages ? h("button", { type: "button", id: "older", onclick: () => go(chosen.page + 1) }, "Older →") : null,
  );
  view.append(
    h("h1", null, "Runs"),
    h("div", { class: "filters" }, pipelineChoice, statusChoice, tagChoice, sinceChoice),
    first.total === 0 ? message("No runs match.") : list,
    pager,
  );
  list.dataset.drawn = "true";
  void body.offsetHeight; // lay the rows out now, so the mark below includes it
  performance.mark("stepwell:runs-drawn");

  let timer = null;
  let stopped = false;
  const poll = async () => {
    if (stopped) return;
    try {
      const since = cursor ? new Date(new Date(cursor).getTime() - OVERLAP_MS).toISOString() : undefined;
      // Rows older than the oldest shown cannot be in view: the created index bounds the scan.
      const lower = oldest ? `gte:${oldest}` : undefined;
      const changed = await api("/runs", {
        query: { ...filters, page: 1, size: 100, sort_by: "asc:updated", updated: since ? `gte:${since}` : undefined, created: lower },
      });
      // On the first page new runs go on top; other pages only refresh the rows they show.
      const wanted = changed.items.filter((run) => rows.has(run.id) || chosen.page === 1);
      const [newCounts, newTags] = await extrasOf(wanted.map((run) => run.id));
      if (stopped) return;
      wanted
        .sort((a, b) => (a.created < b.created ? -1 : 1))
        .forEach((run) => show(run, newCounts[run.id], newTags[run.id], true));
      while (rows.size > PAGE_SIZE && body.lastElementChild) {
        rows.delete(body.lastElementChild.dataset.runId);
        body.lastElementChild.remove();
      }
    } catch (error) {
      if (error instanceof NotLoggedIn) throw error;
    }
    const busy = [...rows.values()].some((tr) => isActive(tr.dataset.status));
    if (!stopped) timer = setTimeout(poll, busy ? 1500 : 5000);
  };
  timer = setTimeout(poll, 1500);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
