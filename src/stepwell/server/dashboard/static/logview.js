// A step's log, followed and searched. `followLog(stepRunId)` gives the element to show and
// `read()`, which asks the server only for the bytes after the offset it has reached
// (`?offset=N`; the answer's `X-Log-Size` is the next offset) and appends the new lines.
// Bytes are decoded as a stream, so a UTF-8 character cut in two by a read is kept back
// until its end arrives. The search box highlights matching lines (case-insensitive) and
// can hide the others; lines that arrive later are searched as they come.

import { api } from "./api.js";
import { h } from "./dom.js";

function highlighted(line, needle) {
  if (!needle) return [line];
  const parts = [];
  const lower = line.toLowerCase();
  let at = 0;
  for (let found = lower.indexOf(needle); found !== -1; found = lower.indexOf(needle, at)) {
    if (found > at) parts.push(line.slice(at, found));
    parts.push(h("mark", null, line.slice(found, found + needle.length)));
    at = found + needle.length;
  }
  if (at < line.length) parts.push(line.slice(at));
  return parts;
}

export function followLog(stepRunId) {
  const output = h("pre", { id: "step-logs", class: "logs" });
  const search = h("input", {
    id: "log-search",
    type: "search",
    placeholder: "Search the log",
    "aria-label": "Search the log",
  });
  const onlyMatches = h("input", { id: "log-only-matches", type: "checkbox" });
  const count = h("span", { id: "log-matches", class: "found" });
  const lines = []; // [text, element]
  let partial = null; // the last line while it has no newline yet: [text, element]
  let offset = 0;
  const decoder = new TextDecoder("utf-8");

  const needle = () => search.value.toLowerCase();
  const show = (entry) => {
    const [text, element] = entry;
    const wanted = needle();
    const hit = Boolean(wanted) && text.toLowerCase().includes(wanted);
    element.replaceChildren(...highlighted(text, wanted), "\n");
    element.classList.toggle("match", hit);
    element.hidden = Boolean(wanted) && onlyMatches.checked && !hit;
    return hit;
  };
  let hits = 0; // matching complete lines
  const counted = (partialHit) => {
    const total = hits + (partialHit ? 1 : 0);
    count.textContent = needle() ? `${total} matching line${total === 1 ? "" : "s"}` : "";
  };
  const refresh = () => {
    hits = lines.filter(show).length;
    counted(partial ? show(partial) : false);
  };
  search.addEventListener("input", refresh);
  onlyMatches.addEventListener("change", refresh);

  const add = (text) => {
    const pieces = ((partial ? partial[0] : "") + text).split("\n");
    if (partial) partial[1].remove();
    partial = null;
    const last = pieces.pop();
    for (const piece of pieces) {
      const entry = [piece, h("span", { class: "log-line" })];
      lines.push(entry);
      if (show(entry)) hits += 1; // only the new lines are searched
      output.append(entry[1]);
    }
    if (last) {
      partial = [last, h("span", { class: "log-line" })];
      output.append(partial[1]);
    }
    counted(partial ? show(partial) : false);
  };

  const read = async (final = false) => {
    // A read returns at most the server's limit: ask again while whole chunks come back.
    for (;;) {
      const answer = await api(`/step-runs/${stepRunId}/logs`, { query: { offset }, raw: true });
      const bytes = new Uint8Array(await answer.arrayBuffer());
      const next = Number(answer.headers.get("X-Log-Size") || offset + bytes.length);
      const stuckToBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
      const text = decoder.decode(bytes, { stream: !final });
      if (text) add(text);
      if (stuckToBottom) output.scrollTop = output.scrollHeight;
      const more = next > offset && bytes.length >= 2 ** 20;
      offset = next;
      if (!more) return;
    }
  };

  const controls = h(
    "div",
    { class: "filters" },
    search,
    h("label", { class: "check" }, onlyMatches, " matching lines only"),
    count,
  );
  return { element: h("div", null, controls, output), read };
}
