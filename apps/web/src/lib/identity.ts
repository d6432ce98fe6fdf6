export const ROLES = ["viewer", "oncall", "governance", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | "users:manage"
  | "tokens:create"
  | "tokens:manage-all"
  | "audit:read"
  | "targets:read"
  | "healing:control"
  | "incidents:write"
  | "runbooks:run"
  | "postmortems:write"
  | "proposals:write"
  | "votes:cast";

export type Me = {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
};

export type SessionInfo = { idleExpiresAt: string; expiresAt: string };

export type MeResponse = {
  user: Me;
  permissions: string[];
  via: "session" | "token";
  session: SessionInfo | null;
};

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** Roles in the canonical order, unknown strings dropped. */
export function sortRoles(roles: readonly string[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}
