import type { FastifyInstance } from "fastify";
import { ServiceError } from "@ops/core";

/** Real bodies nest four levels deep; the text rule, zod and PostgreSQL's jsonb all recurse, so deeper is refused first. */
export const MAX_JSON_DEPTH = 32;

/**
 * Where JSON text first opens more than `max` arrays or objects inside each other: the path of the field holding
 * that value (`""` for the body itself), or null when it never does. A linear scan that only reads keys.
 */
export function tooDeepAt(text: string, max: number): string | null {
  // One entry per open container: an array's index, an object's current key (null until its key is read).
  const path: (string | number | null)[] = [];
  const isObject: boolean[] = [];
  let key = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (isObject.at(-1) && path.at(-1) === null) key = keyOf(text.slice(start, i + 1));
    } else if (c === 0x3a && path.length) {
      path[path.length - 1] = key;
    } else if (c === 0x2c && path.length) {
      const top = path.length - 1;
      path[top] = isObject[top] ? null : (path[top] as number) + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (path.length >= max) return fieldOf(path);
      isObject.push(c === 0x7b);
      path.push(c === 0x7b ? null : 0);
    } else if (c === 0x7d || c === 0x5d) {
      isObject.pop();
      path.pop();
    }
  }
  return null;
}

function keyOf(literal: string): string {
  try {
    return String(JSON.parse(literal));
  } catch {
    return literal.slice(1, -1);
  }
}

/** The field that holds the over-deep value: the path down to where only array nesting (or junk) follows, at most 8 levels. */
function fieldOf(path: (string | number | null)[]): string {
  const named = path.slice(0, 8);
  while (named.length && typeof named.at(-1) === "number") named.pop();
  return named.join(".");
}

/** Fastify's own JSON parser (prototype poisoning refused), behind a nesting limit. */
export function registerJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const field = tooDeepAt(body as string, MAX_JSON_DEPTH);
    if (field !== null) {
      done(
        new ServiceError("VALIDATION", `body ${field || "(value)"}: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`, field || "body"),
        undefined,
      );
      return;
    }
    void parse(req, body as string, done);
  });
}
