// The login form: posts the user name and password with `cookie: true`, so the server
// keeps the token in an HttpOnly cookie (no script, ours or injected, can read it).

import { login } from "../api.js";
import { h, message } from "../dom.js";

export function render(view, { query, session }) {
  const status = h("div", { class: "status" });
  const form = h(
    "form",
    { id: "login-form", class: "login" },
    h("h1", null, "Log in to stepwell"),
    h("label", null, "User name", h("input", { name: "username", autocomplete: "username", required: true })),
    h(
      "label",
      null,
      "Password",
      h("input", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    ),
    h("button", { type: "submit" }, "Log in"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    const data = new FormData(form);
    try {
      await login(String(data.get("username")), String(data.get("password")));
      session.user = null;
      const next = query.get("next") || "#/runs";
      window.location.hash = next.startsWith("#/") && !next.startsWith("#/login") ? next : "#/runs";
    } catch (error) {
      status.append(message(error.status === 401 ? "Wrong user name or password." : error.message, "error"));
    }
  });
  view.append(form);
}
