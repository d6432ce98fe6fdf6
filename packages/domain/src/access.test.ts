import { describe, expect, it } from "vitest";
import {
  PERMISSIONS,
  ROLES,
  can,
  effectiveTokenRoles,
  isRoleSubset,
  mayGrantRoles,
  normalizeEmail,
  passwordProblem,
  permissionsOf,
  rateDecision,
  rolesGranting,
  safeNextPath,
  sessionState,
  shouldTouchSession,
  type Permission,
  type Role,
} from "./access.ts";

describe("roles and permissions", () => {
  const expected: Record<Role, Permission[]> = {
    viewer: ["targets:read", "events:read"],
    oncall: ["targets:read", "events:read", "incidents:write", "runbooks:run", "healing:control", "postmortems:write", "tokens:create", "deployments:write"],
    governance: ["targets:read", "events:read", "proposals:write", "votes:cast", "tokens:create", "slos:write"],
    admin: [...PERMISSIONS],
  };
  for (const role of ROLES) {
    it(`${role} has exactly its permissions`, () => {
      expect(permissionsOf([role])).toEqual(expected[role]);
      for (const p of PERMISSIONS) expect(can([role], p)).toBe(expected[role].includes(p));
    });
  }
  it("permissions of several roles are the union, in a stable order", () => {
    expect(permissionsOf(["governance", "oncall"])).toEqual([
      "targets:read",
      "events:read",
      "incidents:write",
      "runbooks:run",
      "healing:control",
      "postmortems:write",
      "proposals:write",
      "votes:cast",
      "tokens:create",
      "slos:write",
      "deployments:write",
    ]);
    expect(permissionsOf([])).toEqual([]);
    expect(can([], "targets:read")).toBe(false);
  });
  it("names the roles granting a permission", () => {
    expect(rolesGranting("users:manage")).toEqual(["admin"]);
    expect(rolesGranting("tokens:create")).toEqual(["oncall", "governance", "admin"]);
  });
  it("admins grant any role; others only their own; tokens follow their creator's current roles", () => {
    expect(mayGrantRoles(["viewer", "governance"], ["admin"])).toBe(true);
    expect(mayGrantRoles(["governance"], ["oncall"])).toBe(false);
    expect(mayGrantRoles(["oncall"], ["oncall", "viewer"])).toBe(true);
    // Fewer rights than one's own: an on-call engineer or a governance member may make a viewer-only token.
    expect(mayGrantRoles(["viewer"], ["oncall"])).toBe(true);
    expect(mayGrantRoles(["viewer"], ["governance"])).toBe(true);
    expect(mayGrantRoles(["viewer", "oncall"], ["governance"])).toBe(false);
    expect(effectiveTokenRoles(["viewer"], ["oncall"])).toEqual(["viewer"]);
    expect(effectiveTokenRoles(["viewer", "oncall"], ["governance"])).toEqual(["viewer"]);
    expect(effectiveTokenRoles(["viewer", "oncall"], ["admin"])).toEqual(["viewer", "oncall"]);
    expect(effectiveTokenRoles(["viewer", "oncall"], ["oncall"])).toEqual(["viewer", "oncall"]);
    expect(effectiveTokenRoles(["oncall"], [])).toEqual([]);
  });
  it("a token's roles must be held by its creator", () => {
    expect(isRoleSubset(["viewer"], ["oncall", "viewer"])).toBe(true);
    expect(isRoleSubset(["admin"], ["oncall"])).toBe(false);
    expect(isRoleSubset([], ["oncall"])).toBe(true);
  });
});

describe("sessions", () => {
  const policy = { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3_600_000 };
  const t0 = 1_000_000_000;
  it("valid inside both timeouts, with the earlier expiry as idle expiry", () => {
    expect(sessionState({ createdAt: t0, lastSeenAt: t0, revokedAt: null }, policy, t0 + 60_000)).toEqual({
      valid: true,
      idleExpiresAt: t0 + 30 * 60_000,
      expiresAt: t0 + 12 * 3_600_000,
    });
    const late = sessionState({ createdAt: t0, lastSeenAt: t0 + 12 * 3_600_000 - 60_000, revokedAt: null }, policy, t0 + 12 * 3_600_000 - 1);
    expect(late).toMatchObject({ valid: true, idleExpiresAt: t0 + 12 * 3_600_000 });
  });
  it("ends after the idle timeout, at the absolute lifetime, or when revoked", () => {
    expect(sessionState({ createdAt: t0, lastSeenAt: t0, revokedAt: null }, policy, t0 + 30 * 60_000)).toEqual({ valid: false, reason: "idle" });
    expect(sessionState({ createdAt: t0, lastSeenAt: t0 + 12 * 3_600_000, revokedAt: null }, policy, t0 + 12 * 3_600_000)).toEqual({
      valid: false,
      reason: "expired",
    });
    expect(sessionState({ createdAt: t0, lastSeenAt: t0, revokedAt: t0 }, policy, t0 + 1)).toEqual({ valid: false, reason: "revoked" });
  });
  it("touches at most once a minute", () => {
    expect(shouldTouchSession(t0, t0 + 59_999)).toBe(false);
    expect(shouldTouchSession(t0, t0 + 60_000)).toBe(true);
  });
});

describe("input rules", () => {
  it("normalises emails", () => expect(normalizeEmail("  Ops@Example.COM ")).toBe("ops@example.com"));
  it("passwords: length, not the email name, not trivially repeated", () => {
    expect(passwordProblem("short")).toBe("must be at least 12 characters");
    expect(passwordProblem("a".repeat(257))).toBe("must be at most 256 characters");
    expect(passwordProblem("alice-secret-2026", "Alice@example.com")).toBe("must not contain your email name");
    expect(passwordProblem("abababababab")).toBe("is too repetitive");
    expect(passwordProblem("correct horse battery")).toBeNull();
  });
  it("rate decision refuses above the limit", () => {
    expect(rateDecision(5, 1000, { limit: 5, windowMs: 1000 })).toEqual({ limited: false, retryAfterMs: 0 });
    expect(rateDecision(6, 800, { limit: 5, windowMs: 1000 })).toEqual({ limited: true, retryAfterMs: 800 });
  });
  it.each([
    ["/targets/alpha?range=24h", "/targets/alpha?range=24h"],
    [null, "/"],
    ["", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/ok\r\nSet-Cookie: x", "/"],
  ])("safeNextPath(%j) = %j", (input, out) => expect(safeNextPath(input)).toBe(out));
});
