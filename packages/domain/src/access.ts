import { PERMISSIONS, ROLES, type Permission, type Role } from "@ops/contract";

// The role and permission lists are the contract's: the API validates with them and the dashboard reads them.
export { PERMISSIONS, ROLES, type Permission, type Role } from "@ops/contract";

const READ: Permission[] = ["targets:read", "events:read"];

/** What each role may do. Every role can read the fleet; admins can do everything. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: READ,
  // deployments:write: CI records its deploys with an on-call token.
  oncall: [...READ, "incidents:write", "runbooks:run", "healing:control", "postmortems:write", "tokens:create", "deployments:write"],
  governance: [...READ, "proposals:write", "votes:cast", "tokens:create", "slos:write"],
  admin: PERMISSIONS,
};

export function permissionsOf(roles: readonly Role[]): Permission[] {
  const set = new Set<Permission>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r] ?? []) set.add(p);
  return PERMISSIONS.filter((p) => set.has(p));
}

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => (ROLE_PERMISSIONS[r] ?? []).includes(permission));
}

/** The roles that grant a permission, for error messages ("needs role oncall or admin"). */
export function rolesGranting(permission: Permission): Role[] {
  return ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(permission));
}

/** A role is covered by others when everything it permits they permit too (viewer is covered by oncall). */
export function roleCoveredBy(role: Role, held: readonly Role[]): boolean {
  const mine = new Set(permissionsOf(held));
  return (ROLE_PERMISSIONS[role] ?? []).every((p) => mine.has(p));
}

/** A token may carry only roles its creator's roles cover, so a token never widens what its creator can do. */
export function isRoleSubset(requested: readonly Role[], held: readonly Role[]): boolean {
  return requested.every((r) => roleCoveredBy(r, held));
}

/** Admins may grant any role (they manage users anyway); others roles their own cover (fewer, never more). */
export function mayGrantRoles(requested: readonly Role[], held: readonly Role[]): boolean {
  return held.includes("admin") || isRoleSubset(requested, held);
}

/** What a token may do today: its roles, narrowed to its creator's current ones unless the creator is an admin. */
export function effectiveTokenRoles(tokenRoles: readonly Role[], creatorRoles: readonly Role[]): Role[] {
  return creatorRoles.includes("admin") ? [...tokenRoles] : tokenRoles.filter((r) => roleCoveredBy(r, creatorRoles));
}

export type SessionTimes = { createdAt: number; lastSeenAt: number; revokedAt: number | null };
export type SessionPolicy = { idleTimeoutMs: number; absoluteTimeoutMs: number };
export type SessionState = { valid: true; idleExpiresAt: number; expiresAt: number } | { valid: false; reason: "revoked" | "idle" | "expired" };

/** A session ends when revoked, after the idle timeout without use, or at its absolute lifetime. */
export function sessionState(s: SessionTimes, policy: SessionPolicy, now: number): SessionState {
  if (s.revokedAt !== null) return { valid: false, reason: "revoked" };
  const expiresAt = s.createdAt + policy.absoluteTimeoutMs;
  if (now >= expiresAt) return { valid: false, reason: "expired" };
  const idleExpiresAt = s.lastSeenAt + policy.idleTimeoutMs;
  if (now >= idleExpiresAt) return { valid: false, reason: "idle" };
  return { valid: true, idleExpiresAt: Math.min(idleExpiresAt, expiresAt), expiresAt };
}

/** Touching a session on every request would write on every read; once a minute is enough for idle expiry. */
export function shouldTouchSession(lastSeenAt: number, now: number, everyMs = 60_000): boolean {
  return now - lastSeenAt >= everyMs;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export { passwordProblem } from "./password.ts";

export type Window = { limit: number; windowMs: number };

/** Fixed-window limiter decision from a counter value: whether to refuse, and for how long. */
export function rateDecision(count: number, ttlMs: number, w: Window): { limited: boolean; retryAfterMs: number } {
  return count > w.limit ? { limited: true, retryAfterMs: Math.max(0, ttlMs) } : { limited: false, retryAfterMs: 0 };
}

/** Only same-origin relative paths are valid redirect targets after login. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n]/.test(next)) return "/";
  return next;
}
