import type { Permission, Role } from "@ops/domain";
import { can, rolesGranting } from "@ops/domain";
import { ServiceError } from "../errors.ts";

export type Actor =
  | { type: "user"; id: string; label: string; roles: Role[]; sessionHash: string | null }
  | { type: "token"; id: string; label: string; roles: Role[]; userId: string; expiresAt?: Date | null }
  | { type: "system"; id: null; label: string; roles: Role[] };

/** Who is asking and from where: passed to every verb that changes something. */
export type RequestContext = { actor: Actor; ip: string | null; userAgent: string | null; requestId: string | null };

export const SYSTEM: Actor = { type: "system", id: null, label: "system", roles: ["admin"] };

export function systemContext(label = "system"): RequestContext {
  return { actor: { ...SYSTEM, label }, ip: null, userAgent: null, requestId: null };
}

export function requirePermission(ctx: RequestContext, permission: Permission): void {
  if (!can(ctx.actor.roles, permission)) {
    throw new ServiceError("FORBIDDEN", `not allowed: ${permission} needs the role ${rolesGranting(permission).join(" or ")}`);
  }
}

/** The user behind a request: the user itself, or the user who created the token. */
export function actingUserId(actor: Actor): string | null {
  return actor.type === "user" ? actor.id : actor.type === "token" ? actor.userId : null;
}
