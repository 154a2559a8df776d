// The REST API of the stepwell server, as the dashboard calls it: the same /api/v1 routes
// the Python client uses. The browser is authenticated by the HttpOnly login cookie; every
// call that changes something echoes the readable CSRF cookie in X-CSRF-Token.

export const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.kind = (body && body.error) || "HTTPError";
  }
}

export class NotLoggedIn extends Error {}

function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "stepwell_csrf") return decodeURIComponent(rest.join("="));
  }
  return "";
}

function urlOf(path, query) {
  const url = new URL(API + path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  return url;
}

async function send(path, { method = "GET", body, query } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  return fetch(urlOf(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
}

// Renew the short-lived access cookie from the refresh cookie; false if that is gone too.
async function renew() {
  const answer = await send("/login", { method: "POST", body: { cookie: true } });
  return answer.ok;
}

// A call of the API; `raw` returns the Response (for text), else the decoded JSON.
export async function api(path, options = {}) {
  let answer = await send(path, options);
  if (answer.status === 401 && path !== "/login") {
    if (!(await renew())) throw new NotLoggedIn();
    answer = await send(path, options);
    if (answer.status === 401) throw new NotLoggedIn();
  }
  if (!answer.ok) {
    let body = null;
    try { body = await answer.json(); } catch { body = null; }
    throw new ApiError(answer.status, body);
  }
  return options.raw ? answer : answer.json();
}

export async function login(username, password) {
  const answer = await send("/login", {
    method: "POST",
    body: { username, password, cookie: true },
  });
  if (!answer.ok) {
    let body = null;
    try { body = await answer.json(); } catch { body = null; }
    throw new ApiError(answer.status, body);
  }
}

export async function logout() {
  await send("/logout", { method: "POST" });
}

// Every item of a paged list (stops after `limit` items).
export async function listAll(path, query = {}, limit = 1000) {
  const items = [];
  for (let page = 1; items.length < limit; page += 1) {
    const answer = await api(path, { query: { ...query, page, size: 200 } });
    items.push(...answer.items);
    if (page >= answer.total_pages) break;
  }
  return items;
}
