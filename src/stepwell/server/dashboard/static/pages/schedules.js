// Schedules: what each runs (snapshot, pipeline), its rule (cron, interval or once), its next
// and last due times and whether it is active. Members may pause, resume and delete one
// (the same PATCH and DELETE calls as `Client().update_schedule` and `delete_schedule`).

import { api, listAll } from "../api.js";
import { h, link, message, table, when } from "../dom.js";

const ROLES = ["viewer", "member", "admin"];

// Pydantic sends a timedelta as an ISO 8601 duration ("PT3600S", "P1DT2H").
function every(duration) {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(duration || "");
  if (!match) return String(duration);
  const [, days, hours, minutes, seconds] = match.map((part) => Number(part || 0));
  const total = days * 86400 + hours * 3600 + minutes * 60 + seconds;
  for (const [size, unit] of [[86400, "day"], [3600, "hour"], [60, "minute"]]) {
    if (total % size === 0) return `every ${total / size} ${unit}${total / size === 1 ? "" : "s"}`;
  }
  return `every ${total} s`;
}

function rule(schedule) {
  if (schedule.cron_expression) return h("code", null, schedule.cron_expression);
  if (schedule.interval_second) return every(schedule.interval_second);
  if (schedule.run_once_start_time) return `once, at ${when(schedule.run_once_start_time)}`;
  return "";
}

function row(schedule, snapshots, pipelines, mayChange, reload) {
  const snapshot = snapshots.get(schedule.snapshot_id);
  const pipeline = pipelines.get(schedule.pipeline_id || (snapshot && snapshot.pipeline_id));
  const change = async (options) => {
    try {
      await api(`/schedules/${schedule.id}`, options);
      await reload();
    } catch (error) {
      if (error.name === "NotLoggedIn") throw error;
      window.alert(error.message);
    }
  };
  const pause = h("button", { type: "button", class: "pause" }, schedule.active ? "Pause" : "Resume");
  pause.addEventListener("click", () => change({ method: "PATCH", body: { active: !schedule.active } }));
  const remove = h("button", { type: "button", class: "danger delete" }, "Delete");
  remove.addEventListener("click", () => {
    if (window.confirm(`Delete schedule '${schedule.name}'? Its snapshot and past runs stay.`)) {
      change({ method: "DELETE" });
    }
  });
  return h(
    "tr",
    { "data-schedule": schedule.name, "data-active": String(schedule.active) },
    h("td", null, schedule.name),
    h("td", null, pipeline ? link(`#/runs?pipeline=${encodeURIComponent(pipeline.name)}`, pipeline.name) : ""),
    h("td", null, schedule.snapshot_id ? link(`#/snapshots/${schedule.snapshot_id}`, (snapshot && snapshot.name) || "snapshot") : ""),
    h("td", null, rule(schedule)),
    h("td", { class: "next-run" }, schedule.active ? when(schedule.next_run_time) || "no more runs" : "paused"),
    h("td", null, when(schedule.last_run_time)),
    h("td", null, h("span", { class: `badge ${schedule.active ? "status-completed" : "status-stopped"}` }, schedule.active ? "active" : "paused")),
    h("td", null, mayChange ? [pause, " ", remove] : ""),
  );
}

export async function render(view, { session }) {
  const mayChange = ROLES.indexOf((await session.ready).role) >= ROLES.indexOf("member");
  const body = h("tbody");
  const list = table(["Schedule", "Pipeline", "Snapshot", "Rule", "Next run", "Last run", "State", ""], [], { id: "schedules" });
  list.querySelector("tbody").replaceWith(body);
  const empty = message("No schedules: call a pipeline with a schedule (with_options(schedule=...)) on a server.");
  const reload = async () => {
    const [schedules, pipelines, snapshots] = await Promise.all([
      listAll("/schedules", { sort_by: "name" }, 1000),
      listAll("/pipelines", {}, 1000),
      listAll("/snapshots", { named_only: true }, 1000),
    ]);
    const byPipeline = new Map(pipelines.map((p) => [p.id, p]));
    const bySnapshot = new Map(snapshots.map((s) => [s.id, s]));
    body.replaceChildren(...schedules.map((s) => row(s, bySnapshot, byPipeline, mayChange, reload)));
    list.hidden = !schedules.length;
    empty.hidden = Boolean(schedules.length);
  };
  view.append(h("h1", null, "Schedules"), list, empty);
  await reload();
}
