/** Filter values as typed into the form; from/to are datetime-local strings in the viewer's zone. */
export type AuditFilter = { actor: string; action: string; targetType: string; from: string; to: string };
export type SecurityFilter = { kind: string; email: string; from: string; to: string };

export const EMPTY_AUDIT_FILTER: AuditFilter = { actor: "", action: "", targetType: "", from: "", to: "" };
export const EMPTY_SECURITY_FILTER: SecurityFilter = { kind: "", email: "", from: "", to: "" };
export const PAGE_SIZE = 100;

/** "2026-11-23T14:05" (local) → ISO; null when empty or not a date. */
export function localDateTimeToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function query(params: Record<string, string>, before: string | undefined, limit: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const value = k === "from" || k === "to" ? localDateTimeToIso(v) : v.trim();
    if (value) q.set(k, value);
  }
  q.set("limit", String(limit));
  if (before !== undefined) q.set("before", before);
  return q.toString();
}

export function auditQuery(filter: AuditFilter, before?: string, limit = PAGE_SIZE): string {
  return query(filter, before, limit);
}

export function securityQuery(filter: SecurityFilter, before?: string, limit = PAGE_SIZE): string {
  return query(filter, before, limit);
}

/** The `before` cursor for the next page; none once a page comes back short. */
export function nextCursor(page: readonly { id: string | number }[], limit = PAGE_SIZE): string | undefined {
  if (page.length < limit) return undefined;
  const last = page[page.length - 1];
  return last === undefined ? undefined : String(last.id);
}

export function isFilterEmpty(filter: Record<string, string>): boolean {
  return Object.values(filter).every((v) => v.trim() === "");
}

export type DiffRow = { key: string; change: "added" | "removed" | "changed"; before?: unknown; after?: unknown };

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "undefined";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Top-level fields that differ between before and after; unchanged ones are left out.
 * Null when a side is neither an object nor null: such values are shown as JSON instead.
 */
export function diffObjects(before: unknown, after: unknown): DiffRow[] | null {
  if ((before != null && !isRecord(before)) || (after != null && !isRecord(after))) return null;
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const keys = [...Object.keys(b), ...Object.keys(a).filter((k) => !Object.hasOwn(b, k))];
  const rows: DiffRow[] = [];
  for (const key of keys) {
    const inB = Object.hasOwn(b, key);
    const inA = Object.hasOwn(a, key);
    if (inB && !inA) rows.push({ key, change: "removed", before: b[key] });
    else if (!inB && inA) rows.push({ key, change: "added", after: a[key] });
    else if (stable(b[key]) !== stable(a[key])) rows.push({ key, change: "changed", before: b[key], after: a[key] });
  }
  return rows;
}

/** Short one-line rendering of a JSON value for the diff table. */
export function compactValue(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  // JSON.stringify gives undefined only for what JSON cannot hold (a function, a symbol): nothing an API sends.
  return JSON.stringify(v) ?? "";
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((v) => v !== "").sort();
}
