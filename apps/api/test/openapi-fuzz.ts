import type { Json } from "./harness.ts";

/**
 * The fuzz test's generators (fuzz.test.ts): plausible values and hostile ones for every field of an
 * OpenAPI document's JSON Schemas, and a judge of whether a schema certainly refuses a value.
 */

const BODY_LONG = 100_000;
const URL_LONG = 5_000;
const DEEP = 2_000;
const SLOT_DEPTH = 4;

export type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};
/** raw: what goes on the wire; value: what the server parses it into, when we know (else nothing is asserted beyond no 5xx). */
export type Hostile = { label: string; raw: string; value?: unknown; known: boolean };

/** mulberry32: the same junk on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isBadText = (s: string) => s.includes("\u0000") || LONE_SURROGATE.test(s);

export function hasBadText(v: unknown): boolean {
  if (typeof v === "string") return isBadText(v);
  if (Array.isArray(v)) return v.some(hasBadText);
  if (v && typeof v === "object") return Object.entries(v).some(([k, x]) => isBadText(k) || hasBadText(x));
  return false;
}

const MARK = "\u0001fuzz-slot\u0001";
export type Slot = { field: string; schema: Schema | null; build: (raw: string) => string };

export type Kind = "string" | "number" | "scalar" | "object" | "any";

const DATES = ["0000-01-01T00:00:00Z", "99999-01-01", "+275760-09-13T00:00:00.000Z"];

/** An unknown extra field: stripped or refused, and the text rule still reads it. */
export const UNKNOWN_VALUES: Hostile[] = [
  { label: "unknown field", raw: '"x"', value: "x", known: false },
  { label: "unknown field with NUL", raw: '"a\\u0000b"', value: "a\u0000b", known: true },
  { label: "unknown field with a lone surrogate", raw: '"\\ud800"', value: "\ud800", known: true },
];

function junk(rnd: () => number): string {
  const pool = ["\u0007", "\u001b[31m", "'", '"', "\\", "%", "${x}", "<script>", "\u202e", "\ufeff", "😀", "\u00e9", "ß", "\u0301", "\n", " ", "a", "7"];
  return Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => pool[Math.floor(rnd() * pool.length)]).join("");
}

/**
 * Tools over one document's schemas. examples: plausible values by field name; patternCandidates: strings to
 * try against a pattern (the ids of records made for the run).
 */
export function schemaTools(components: Record<string, Schema>, examples: Record<string, unknown>, patternCandidates: () => string[]) {
  const deref = (s: Schema): Schema => (s.$ref ? deref(components[s.$ref.split("/").pop()!]!) : s);
  const variantsOf = (s: Schema) => s.anyOf ?? s.oneOf;

  /** Whether the schema (with the text rule) certainly refuses this parsed value. Formats without a pattern are not judged. */
  function refuses(s: Schema, v: unknown): boolean {
    s = deref(s);
    if (hasBadText(v)) return true;
    const variants = variantsOf(s);
    if (variants) return variants.every((x) => refuses(x, v));
    if (s.const !== undefined) return v !== s.const;
    if (s.enum) return !s.enum.includes(v);
    switch (s.type) {
      case "string":
        if (typeof v !== "string") return true;
        if (s.minLength !== undefined && v.length < s.minLength) return true;
        if (s.maxLength !== undefined && v.length > s.maxLength) return true;
        return s.pattern !== undefined && !new RegExp(s.pattern).test(v);
      case "integer":
      case "number":
        if (typeof v !== "number" || !Number.isFinite(v)) return true;
        if (s.type === "integer" && !Number.isInteger(v)) return true;
        if (s.minimum !== undefined && v < s.minimum) return true;
        if (s.maximum !== undefined && v > s.maximum) return true;
        if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return true;
        return s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum;
      case "boolean":
        return typeof v !== "boolean";
      case "null":
        return v !== null;
      case "array":
        if (!Array.isArray(v)) return true;
        if (s.maxItems !== undefined && v.length > s.maxItems) return true;
        if (s.minItems !== undefined && v.length < s.minItems) return true;
        return s.items !== undefined && v.some((x) => refuses(s.items!, x));
      case "object": {
        if (v === null || typeof v !== "object" || Array.isArray(v)) return true;
        const o = v as Record<string, unknown>;
        if ((s.required ?? []).some((k) => !(k in o))) return true;
        for (const [k, x] of Object.entries(o)) {
          const p = s.properties?.[k];
          if (p ? refuses(p, x) : s.additionalProperties === false || (typeof s.additionalProperties === "object" && refuses(s.additionalProperties, x)))
            return true;
        }
        return false;
      }
      default:
        return false;
    }
  }

  /** A query or path value as the server sees it: a string, numbers coerced the way z.coerce.number does. */
  function asParam(s: Schema, v: unknown): unknown {
    const t = deref(s).type;
    return t === "integer" || t === "number" ? Number(v) : v;
  }

  /** A plausible valid value: known examples by field name, else derived from the schema. */
  function sample(s: Schema, name = "", depth = 0): unknown {
    if (name in examples) return examples[name];
    s = deref(s);
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    if (s.default !== undefined) return s.default;
    const variants = variantsOf(s);
    if (variants) return sample(variants.find((x) => deref(x).type !== "null") ?? variants[0]!, name, depth);
    switch (s.type) {
      case "string": {
        if (s.format === "date-time") return "2026-01-02T03:04:05Z";
        if (s.format === "date") return "2026-01-02";
        if (s.format === "email") return "fuzz@test.local";
        if (s.format === "uuid") return "00000000-0000-4000-8000-000000000000";
        const text = "fuzz".padEnd(s.minLength ?? 0, "z");
        if (s.pattern === undefined) return text;
        const re = new RegExp(s.pattern);
        return [...patternCandidates(), text].find((c) => re.test(c)) ?? text;
      }
      case "integer":
      case "number": {
        const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
        return Math.min(Math.max(1, min), s.maximum ?? 1);
      }
      case "boolean":
        return false;
      case "array":
        return depth < SLOT_DEPTH && s.items && s.minItems ? Array.from({ length: s.minItems }, () => sample(s.items!, "", depth + 1)) : [];
      case "object":
        return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {}, k, depth + 1)]));
      default:
        return null;
    }
  }

  /** Every field of a body schema (itself, each property, an array's item, a record's entry, an unknown key), each with the body around it. */
  function bodySlots(s: Schema, path: string[], wrap: (v: unknown) => unknown, depth = 0, over: Json = {}): Slot[] {
    const out: Slot[] = [{ field: path.join(".") || "body", schema: s, build: (raw) => JSON.stringify(wrap(MARK)).replace(JSON.stringify(MARK), () => raw) }];
    if (depth >= SLOT_DEPTH) return out;
    s = deref(s);
    const name = path.at(-1) ?? "";
    for (const v of (variantsOf(s) ?? [s]).map(deref)) {
      if (v.type === "object") {
        const base = { ...(sample(v, name, depth) as Record<string, unknown>), ...over };
        for (const [k, p] of Object.entries(v.properties ?? {})) out.push(...bodySlots(p, [...path, k], (x) => wrap({ ...base, [k]: x }), depth + 1));
        if (typeof v.additionalProperties === "object") {
          for (const k of [...Object.keys(base), "fuzzkey"])
            out.push(...bodySlots(v.additionalProperties, [...path, k], (x) => wrap({ ...base, [k]: x }), depth + 1));
        }
        out.push({
          field: [...path, "zzUnknown"].join("."),
          schema: null,
          build: (raw) => JSON.stringify(wrap({ ...base, zzUnknown: MARK })).replace(JSON.stringify(MARK), () => raw),
        });
      }
      if (v.type === "array" && v.items) out.push(...bodySlots(v.items, [...path, "0"], (x) => wrap([x]), depth + 1));
    }
    return out;
  }

  /** What a slot holds, to pick the values that can tell something: a wrong type once, its own edge cases in full. */
  function kindOf(s: Schema | null): Kind {
    if (!s) return "any";
    const t = deref(s);
    if (variantsOf(t)) return "any";
    if (t.enum || t.const !== undefined || t.type === "boolean" || t.type === "null") return "scalar";
    if (t.type === "string") return "string";
    if (t.type === "integer" || t.type === "number") return "number";
    if (t.type === "object" || t.type === "array") return "object";
    return "any";
  }

  /**
   * Hostile JSON values for one body field: the text rule, an int4 overflow, a wrong type and deep nesting for every
   * field (all a token caller gets), then the edge cases of the field's own kind and the bounds its schema declares.
   */
  function bodyValues(s: Schema | null, rnd: () => number, quick: boolean): Hostile[] {
    const v = (label: string, raw: string, known = true): Hostile => ({ label, raw, value: JSON.parse(raw) as unknown, known });
    const list = [
      v("NUL", '"a\\u0000b"'),
      v("lone high surrogate", '"a\\ud800b"'),
      v("2147483648", "2147483648"),
      v("object", '{"a":1}'),
      v(`${DEEP}-deep arrays`, "[".repeat(DEEP) + "]".repeat(DEEP)),
    ];
    if (quick) return list;
    const kind = kindOf(s);
    list.push(v("lone low surrogate", '"\\udc00"'), v("null", "null"), v("empty string", '""'));
    if (kind === "scalar") list.push(v("true", "true"), v("array", "[1]"));
    if (kind === "string" || kind === "any") {
      list.push(v(`${BODY_LONG} chars`, JSON.stringify("x".repeat(BODY_LONG))), v("seeded junk text", JSON.stringify(junk(rnd))));
      for (const d of DATES) list.push(v(d, JSON.stringify(d)));
    }
    if (kind === "number" || kind === "any") {
      for (const n of ["-2147483649", "9007199254740993", "-1", "0", "1.5", "1e308", "1e400", '"NaN"', '"1"']) list.push(v(n, n));
      list.push(v("seeded integer", String(Math.floor((rnd() - 0.5) * 2 ** 54))));
    }
    if (kind === "object" || kind === "any") {
      // The JSON parser refuses prototype keys for the whole body: no field to name.
      list.push(
        v("array", "[1,2]"),
        v("deep objects", '{"a":'.repeat(DEEP) + "1" + "}".repeat(DEEP)),
        v("NUL in a key", '{"a\\u0000":1}'),
        v("prototype keys", '{"__proto__":{"x":1},"constructor":{"prototype":{"x":1}}}', false),
      );
    }
    const t = s ? deref(s) : {};
    if (t.maxLength !== undefined)
      list.push(
        v(`${t.maxLength} chars (max)`, JSON.stringify("x".repeat(t.maxLength))),
        v(`${t.maxLength + 1} chars`, JSON.stringify("x".repeat(t.maxLength + 1))),
      );
    if (t.maximum !== undefined)
      list.push(v(`${t.maximum} (max)`, String(t.maximum)), v("max + 1", Number.isInteger(t.maximum) ? String(BigInt(t.maximum) + 1n) : String(t.maximum + 1)));
    if (t.minimum !== undefined) list.push(v(`${t.minimum - 1} (min - 1)`, String(t.minimum - 1)));
    return list;
  }

  /** Values for a query or path parameter, percent-encoded as sent; opaque ones decode in ways not asserted beyond no 5xx. */
  function paramValues(s: Schema, where: "path" | "query", rnd: () => number, quick: boolean): Hostile[] {
    const v = (label: string, raw: string, value: unknown = decodeURIComponent(raw)): Hostile => ({ label, raw, value, known: true });
    const opaque = (label: string, raw: string): Hostile => ({ label, raw, known: false });
    const list = [v("NUL", "a%00b"), opaque("lone surrogate (WTF-8)", "%ED%A0%80"), v("2147483648", "2147483648"), v("9007199254740993", "9007199254740993")];
    if (quick) return list;
    const kind = kindOf(s);
    list.push(
      opaque("overlong NUL", "%C0%80"),
      opaque("broken escape", "%E0%A4%A"),
      v("NaN", "NaN"),
      v("-1", "-1"),
      v("seeded junk text", encodeURIComponent(junk(rnd))),
    );
    if (kind !== "number") for (const d of DATES) list.push(v(d, encodeURIComponent(d)));
    if (kind !== "string") for (const n of ["Infinity", "0", "1.5", "1e308", "0x10", "%20"]) list.push(v(n, n));
    // The router refuses a path segment over 100 characters (414) before any schema sees it.
    list.push(where === "path" ? opaque(`${URL_LONG} chars`, "x".repeat(URL_LONG)) : v(`${URL_LONG} chars`, "x".repeat(URL_LONG)));
    // "@" stands for the parameter's own name (fuzz.test.ts fills it in): the key twice, the key with brackets.
    if (where === "query") list.push(v("empty", ""), v("repeated key", "1&@=2", ["1", "2"]), opaque("bracket key", "1&@[a]=1"));
    else list.push(opaque("encoded slash", "..%2F.."));
    const t = deref(s);
    if (t.maxLength !== undefined && t.maxLength < URL_LONG)
      list.push(v(`${t.maxLength} chars (max)`, "x".repeat(t.maxLength)), v(`${t.maxLength + 1} chars`, "x".repeat(t.maxLength + 1)));
    if (t.maximum !== undefined)
      list.push(v(`${t.maximum} (max)`, String(t.maximum)), v("max + 1", Number.isInteger(t.maximum) ? String(BigInt(t.maximum) + 1n) : String(t.maximum + 1)));
    return list;
  }

  return { refuses, asParam, sample, bodySlots, bodyValues, paramValues };
}
