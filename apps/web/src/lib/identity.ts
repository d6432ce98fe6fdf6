import type { Role } from "@ops/contract";

export type { Me, MeResponse, Permission, Role, SessionInfo } from "@ops/contract";

// Every role of the contract, once (the `satisfies` refuses a missing or unknown one), as a value the
// dashboard can iterate without loading the contract's schemas.
const ROLE_ORDER = { viewer: 0, oncall: 1, governance: 2, admin: 3 } as const satisfies Record<Role, number>;

/** The roles in their canonical order. */
export const ROLES: readonly Role[] = Object.keys(ROLE_ORDER) as Role[];

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** Roles in the canonical order, unknown strings dropped. */
export function sortRoles(roles: readonly string[]): Role[] {
  return ROLES.filter((r) => roles.includes(r));
}
