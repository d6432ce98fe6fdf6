/**
 * One text rule at the edge: no string the console accepts may hold a NUL character (PostgreSQL text refuses
 * it) or a lone UTF-16 surrogate (it cannot be stored as JSON or UTF-8). Pure: the API applies it to every
 * request's params, query and body before a route sees them.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextProblem = { field: string; message: string };

function problemOf(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(s)) return "must not contain a lone UTF-16 surrogate (invalid Unicode)";
  return null;
}

/** The first string (or object key) in a value that breaks the rule, with its path (`message`, `steps.2.note`). */
export function findBadText(value: unknown, path = ""): TextProblem | null {
  if (typeof value === "string") {
    const message = problemOf(value);
    return message ? { field: path || "(value)", message } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = findBadText(value[i], path ? `${path}.${i}` : String(i));
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const where = path ? `${path}.${k}` : k;
      const keyProblem = problemOf(k);
      if (keyProblem) return { field: where, message: `key ${keyProblem}` };
      const p = findBadText(v, where);
      if (p) return p;
    }
  }
  return null;
}
