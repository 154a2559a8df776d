// JSON data written as block-style YAML, to prefill the run-configuration editor. Only
// writing: what the user types back is parsed by the server, which is the one judge of a
// run configuration. Strings are written as JSON strings (valid YAML double-quoted scalars)
// unless they are plainly safe, so every output reads back as the same data.

const PLAIN = /^[A-Za-z_][\w./-]*$/;
const WORDS = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return PLAIN.test(value) && !WORDS.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function key(name) {
  return PLAIN.test(name) && !WORDS.test(name) ? name : JSON.stringify(name);
}

function isEmpty(value) {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

function lines(value, indent) {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item === "object" && item !== null && !isEmpty(item)) {
        const [first, ...rest] = lines(item, indent + 2);
        return [`${pad}- ${first.trimStart()}`, ...rest];
      }
      return [`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item)}`];
    });
  }
  return Object.entries(value).flatMap(([name, item]) => {
    if (typeof item === "object" && item !== null && !isEmpty(item)) {
      return [`${pad}${key(name)}:`, ...lines(item, indent + 2)];
    }
    const text = isEmpty(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item);
    return [`${pad}${key(name)}: ${text}`];
  });
}

export function toYaml(data) {
  if (typeof data !== "object" || data === null) return `${scalar(data)}\n`;
  if (isEmpty(data)) return Array.isArray(data) ? "[]\n" : "{}\n";
  return `${lines(data, 0).join("\n")}\n`;
}
