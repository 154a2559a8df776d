// The dashboard's entry point: a hash router. Each page module exports
// `render(view, params) -> cleanup?`; the cleanup (stopping its refresh timers) runs when
// the user leaves the page. Stable URLs: #/runs, #/runs/<id>, #/steps/<id>,
// #/artifact-versions/<id>, #/pipelines, #/snapshots, #/snapshots/<id>, #/schedules,
// #/models, #/stacks, #/secrets, #/login.

import { api, logout, NotLoggedIn } from "./api.js";
import { message } from "./dom.js";
import * as loginPage from "./pages/login.js";
import * as runsPage from "./pages/runs.js";
import * as runPage from "./pages/run.js";
import * as stepPage from "./pages/step.js";
import * as artifactPage from "./pages/artifact.js";
import * as pipelinesPage from "./pages/pipelines.js";
import * as modelsPage from "./pages/models.js";
import * as stacksPage from "./pages/stacks.js";
import * as snapshotsPage from "./pages/snapshots.js";
import * as snapshotPage from "./pages/snapshot.js";
import * as schedulesPage from "./pages/schedules.js";
import * as secretsPage from "./pages/secrets.js";

const ROUTES = [
  [/^\/login$/, loginPage],
  [/^\/runs$/, runsPage],
  [/^\/runs\/([\w-]+)$/, runPage],
  [/^\/steps\/([\w-]+)$/, stepPage],
  [/^\/artifact-versions\/([\w-]+)$/, artifactPage],
  [/^\/pipelines$/, pipelinesPage],
  [/^\/models$/, modelsPage],
  [/^\/stacks$/, stacksPage],
  [/^\/snapshots$/, snapshotsPage],
  [/^\/snapshots\/([\w-]+)$/, snapshotPage],
  [/^\/schedules$/, schedulesPage],
  [/^\/secrets$/, secretsPage],
];

let cleanup = null;
let visits = 0; // counts route() calls, so a late answer knows whether its visit is current
export const session = { user: null, ready: Promise.resolve(null) };

function parse(hash) {
  const [path, search = ""] = (hash.replace(/^#/, "") || "/runs").split("?");
  return { path, query: new URLSearchParams(search) };
}

export function goToLogin() {
  const here = window.location.hash || "#/runs";
  if (!here.startsWith("#/login")) {
    window.location.hash = `#/login?next=${encodeURIComponent(here)}`;
  }
}

async function whoAmI() {
  if (session.user) return session.user;
  session.user = await api("/current-user");
  const who = document.getElementById("who");
  who.textContent = `${session.user.name} (${session.user.role})`;
  document.getElementById("logout").hidden = false;
  return session.user;
}

async function route() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  // A fresh container per visit: a page still loading when the user moves on writes into
  // its own detached container, never into the next page.
  const view = document.createElement("div");
  document.getElementById("view").replaceChildren(view);
  const { path, query } = parse(window.location.hash);
  const match = ROUTES.map(([pattern, page]) => [path.match(pattern), page]).find(([m]) => m);
  if (!match) {
    view.append(message(`No page at ${path}.`, "error"));
    return;
  }
  const [found, page] = match;
  for (const anchor of document.querySelectorAll("#nav a")) {
    anchor.classList.toggle("current", path.startsWith(anchor.getAttribute("href").slice(1)));
  }
  const visit = ++visits;
  try {
    // Who is logged in is asked beside the page's own data, not before it; a page that
    // needs the role awaits `session.ready`.
    session.ready = page === loginPage ? Promise.resolve(null) : whoAmI();
    const [, done] = await Promise.all([session.ready, page.render(view, { id: found[1], query, session })]);
    cleanup = done || null;
  } catch (error) {
    if (error instanceof NotLoggedIn) {
      // Only the page on screen sends the user to log in: a visit the user has already
      // left (the start-up one, say) must not take them back from where they went.
      if (visit !== visits) return;
      session.user = null;
      goToLogin();
      return;
    }
    view.append(message(error.message, "error"));
  }
}

document.getElementById("logout").addEventListener("click", async () => {
  await logout();
  session.user = null;
  document.getElementById("who").textContent = "";
  document.getElementById("logout").hidden = true;
  window.location.hash = "#/login";
});

window.addEventListener("hashchange", route);
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason instanceof NotLoggedIn) {
    session.user = null;
    goToLogin();
  }
});
// `/` shows the runs: the address is rewritten without a hashchange, so the page is routed
// once (a second, racing visit could send the user back to the login page after login).
if (!window.location.hash) window.history.replaceState(null, "", "#/runs");
route();
