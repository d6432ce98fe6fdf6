import { describe, expect, it } from "vitest";
import {
  auditQuery,
  compactValue,
  diffObjects,
  EMPTY_AUDIT_FILTER,
  EMPTY_SECURITY_FILTER,
  isFilterEmpty,
  localDateTimeToIso,
  nextCursor,
  securityQuery,
} from "./audit.ts";

describe("query strings", () => {
  it("sends only filled filters, the limit and the cursor", () => {
    expect(auditQuery(EMPTY_AUDIT_FILTER)).toBe("limit=100");
    expect(auditQuery({ ...EMPTY_AUDIT_FILTER, actor: " ada@example.com ", action: "user.update" }, "42", 50)).toBe(
      "actor=ada%40example.com&action=user.update&limit=50&before=42",
    );
    expect(securityQuery({ ...EMPTY_SECURITY_FILTER, kind: "login.failed" })).toBe("kind=login.failed&limit=100");
  });

  it("turns datetime-local values into ISO timestamps and drops bad ones", () => {
    const q = new URLSearchParams(auditQuery({ ...EMPTY_AUDIT_FILTER, from: "2026-11-23T14:05", to: "garbage" }));
    expect(q.get("from")).toBe(new Date(2026, 10, 23, 14, 5).toISOString());
    expect(q.has("to")).toBe(false);
    expect(localDateTimeToIso("")).toBeNull();
  });

  it("pages with the last id until a short page", () => {
    const full = Array.from({ length: 3 }, (_, i) => ({ id: i + 10 }));
    expect(nextCursor(full, 3)).toBe("12");
    expect(nextCursor(full.slice(0, 2), 3)).toBeUndefined();
    expect(nextCursor([], 0)).toBeUndefined();
  });

  it("knows an empty filter", () => {
    expect(isFilterEmpty(EMPTY_AUDIT_FILTER)).toBe(true);
    expect(isFilterEmpty({ ...EMPTY_SECURITY_FILTER, email: "x" })).toBe(false);
  });
});

describe("diffObjects", () => {
  it("lists changed, added and removed fields, not unchanged ones", () => {
    const rows = diffObjects(
      { roles: ["viewer"], disabled: false, displayName: "Ada", meta: { a: 1, b: 2 } },
      { roles: ["viewer", "admin"], disabled: false, meta: { b: 2, a: 1 }, lastLoginAt: null },
    );
    expect(rows).toEqual([
      { key: "roles", change: "changed", before: ["viewer"], after: ["viewer", "admin"] },
      { key: "displayName", change: "removed", before: "Ada" },
      { key: "lastLoginAt", change: "added", after: null },
    ]);
  });

  it("treats a missing side as empty", () => {
    expect(diffObjects(null, { name: "triad" })).toEqual([{ key: "name", change: "added", after: "triad" }]);
    expect(diffObjects(null, null)).toEqual([]);
    expect(diffObjects(undefined, { a: 1 })).toEqual([{ key: "a", change: "added", after: 1 }]);
  });

  it("refuses to diff values that are not objects", () => {
    expect(diffObjects(["a"], ["b"])).toBeNull();
    expect(diffObjects("x", null)).toBeNull();
  });

  it("renders values compactly", () => {
    expect(compactValue(["a", "b"])).toBe('["a","b"]');
    expect(compactValue("text")).toBe("text");
    expect(compactValue(null)).toBe("null");
    expect(compactValue(undefined)).toBe("");
  });
});
