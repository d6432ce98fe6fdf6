import { normalizeEmail, passwordProblem, type Role } from "@ops/domain";
import type { DbHandle } from "@ops/db";
import type { TransactionSql } from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, invalid, notFound } from "../errors.ts";
import { recordSecurityEvent, writeAudit } from "./audit.ts";
import { requirePermission, type RequestContext } from "./context.ts";
import { hashPassword, temporaryPassword } from "./secrets.ts";
import { revokeUserSessions } from "./sessions.ts";
import { toUserView, userColumns, type UserRow, type UserView } from "./user-view.ts";
import type { UserListItem } from "@ops/contract";

const USER_COLUMNS = userColumns();

function uniqueRoles(roles: Role[]): Role[] {
  return [...new Set(roles)];
}

/** Every user, with when they last acted as themselves (an audit row with them as the actor). */
export async function listUsers(h: DbHandle, ctx: RequestContext): Promise<UserListItem[]> {
  requirePermission(ctx, "users:manage");
  const rows = await h.sql.unsafe<(UserRow & { lastActionAt: Date | null })[]>(
    `SELECT ${userColumns("u")},
       (SELECT max(a.at) FROM audit_log a WHERE a.actor_type = 'user' AND a.actor_id = u.id::text) AS "lastActionAt"
     FROM users u ORDER BY lower(u.email)`,
  );
  return rows.map((r) => ({ ...toUserView(r), lastActionAt: r.lastActionAt?.toISOString() ?? null }));
}

/**
 * Delete an account that never acted (no audit row names it as the actor): an invitation never used, a typo. One that
 * acted is kept, so the audit log's history keeps a name behind every actor: disable it instead. The deletion is audited
 * with the account as it was; its sessions go with it.
 */
export async function deleteUser(h: DbHandle, ctx: RequestContext, id: string, bus: FramePublisher): Promise<{ deleted: UserView }> {
  requirePermission(ctx, "users:manage");
  if (ctx.actor.type === "user" && ctx.actor.id === id) throw new ServiceError("RULE_VIOLATION", "you cannot delete yourself", "id");
  const deleted = await h.sql.begin(async (tx) => {
    const before = await lockUser(tx, id);
    const [acted] = await tx<{ at: Date }[]>`
      SELECT at FROM audit_log WHERE actor_type = 'user' AND actor_id = ${id} ORDER BY at DESC LIMIT 1`;
    if (acted) {
      throw new ServiceError(
        "CONFLICT",
        `${before.email} has acted (last on ${acted.at.toISOString()}): disable the account instead, so the audit log keeps its name`,
        "id",
      );
    }
    const [tokens] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM api_tokens WHERE created_by = ${id}`;
    if ((tokens?.n ?? 0) > 0) throw new ServiceError("CONFLICT", `${before.email} created API tokens: disable the account instead`, "id");
    if (before.roles.includes("admin") && before.disabledAt === null && (await activeAdminsBesides(tx, id)) === 0) {
      throw new ServiceError("RULE_VIOLATION", "the last active admin cannot be deleted", "id");
    }
    await tx`DELETE FROM users WHERE id = ${id}`;
    const view = toUserView(before);
    await writeAudit(tx, ctx, { action: "user.delete", targetType: "user", targetId: id, before: view });
    return view;
  });
  await bus.publish({ type: "session.revoked", userId: id, reason: "user deleted" });
  return { deleted };
}

export type CreateUserInput = { email: string; displayName: string; roles: Role[] };

/** Invite a user: they get a temporary password, shown once, to change at first login. */
export async function createUser(h: DbHandle, ctx: RequestContext, input: CreateUserInput, password?: string) {
  requirePermission(ctx, "users:manage");
  const email = normalizeEmail(input.email);
  const secret = password ?? temporaryPassword();
  const passwordHash = await hashPassword(secret);
  return h.sql.begin(async (tx) => {
    const exists = await tx`SELECT 1 FROM users WHERE lower(email) = ${email}`;
    if (exists.length) throw new ServiceError("CONFLICT", `a user with the email ${email} exists already`, "email");
    const [row] = await tx.unsafe<UserRow[]>(
      `INSERT INTO users (email, display_name, password_hash, roles, must_change_password)
       VALUES ($1, $2, $3, $4::text[], $5) RETURNING ${USER_COLUMNS}`,
      [email, input.displayName.trim(), passwordHash, uniqueRoles(input.roles), password === undefined],
    );
    const user = toUserView(row!);
    await writeAudit(tx, ctx, { action: "user.create", targetType: "user", targetId: user.id, after: user });
    return { user, temporaryPassword: password === undefined ? secret : null };
  });
}

async function lockUser(tx: TransactionSql, id: string): Promise<UserRow> {
  const rows = await tx.unsafe<UserRow[]>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw notFound(`user ${id}`, "id");
  return rows[0];
}

async function activeAdminsBesides(tx: TransactionSql, id: string): Promise<number> {
  const [r] = await tx<{ n: number }[]>`
    SELECT count(*)::int AS n FROM users WHERE id <> ${id} AND disabled_at IS NULL AND 'admin' = ANY(roles)`;
  return r?.n ?? 0;
}

/** A user's sessions ended by an admin's hand: recorded in the security log, in the transaction that ended them. */
async function sessionsEnded(tx: TransactionSql, ctx: RequestContext, userId: string, reason: string, route: string | null): Promise<void> {
  await recordSecurityEvent(tx, { kind: "session.revoked", actorId: userId, ip: ctx.ip, userAgent: ctx.userAgent, route, detail: reason });
}

export type UpdateUserInput = { displayName?: string | undefined; roles?: Role[] | undefined; disabled?: boolean | undefined };

/**
 * Change a user's name, roles or disabled flag. Losing a role or being disabled ends every session at once
 * (recorded in the security log, and told to every API process so the user's live sockets close); the last
 * active admin cannot be demoted or disabled, and nobody can lock themselves out.
 */
export async function updateUser(h: DbHandle, ctx: RequestContext, id: string, patch: UpdateUserInput, bus: FramePublisher): Promise<{ user: UserView }> {
  requirePermission(ctx, "users:manage");
  const out = await h.sql.begin(async (tx) => {
    const before = await lockUser(tx, id);
    const roles = patch.roles ? uniqueRoles(patch.roles) : before.roles;
    const disabled = patch.disabled ?? before.disabledAt !== null;
    const losesAdmin = before.roles.includes("admin") && (!roles.includes("admin") || disabled);
    const self = ctx.actor.type === "user" && ctx.actor.id === id;
    if (self && losesAdmin)
      throw new ServiceError("RULE_VIOLATION", "you cannot remove your own admin role or disable yourself", patch.disabled ? "disabled" : "roles");
    if (losesAdmin && (await activeAdminsBesides(tx, id)) === 0) {
      throw new ServiceError("RULE_VIOLATION", "the last active admin cannot be demoted or disabled", patch.disabled ? "disabled" : "roles");
    }
    if (patch.displayName !== undefined && patch.displayName.trim() === "") throw invalid("displayName", "must not be empty");
    const [row] = await tx.unsafe<UserRow[]>(
      `UPDATE users SET display_name = $2, roles = $3::text[],
         disabled_at = CASE WHEN $4::boolean THEN coalesce(disabled_at, now()) ELSE NULL END, updated_at = now()
       WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [id, patch.displayName?.trim() ?? before.displayName, roles, disabled],
    );
    const after = toUserView(row!);
    const lostRole = before.roles.some((r) => !roles.includes(r));
    const revoked = lostRole || (disabled && before.disabledAt === null) ? await revokeUserSessions(tx, id) : 0;
    await writeAudit(tx, ctx, { action: "user.update", targetType: "user", targetId: id, before: toUserView(before), after });
    const ended = revoked > 0 || lostRole || disabled ? (after.disabled ? "user disabled" : "roles changed") : null;
    if (ended) await sessionsEnded(tx, ctx, id, ended, "PATCH /api/users/:id");
    return { user: after, ended };
  });
  if (out.ended) await bus.publish({ type: "session.revoked", userId: id, reason: out.ended });
  return { user: out.user };
}

/**
 * Admin reset: a new temporary password, shown once; every session of the user ends (recorded in the
 * security log, and told to every API process). The CLI resets as a system actor, outside any HTTP route.
 */
export async function resetUserPassword(h: DbHandle, ctx: RequestContext, id: string, bus: FramePublisher): Promise<{ temporaryPassword: string }> {
  requirePermission(ctx, "users:manage");
  const secret = temporaryPassword();
  const passwordHash = await hashPassword(secret);
  const reason = ctx.actor.type === "system" ? `password reset from the ${ctx.actor.label}` : "password reset by an admin";
  await h.sql.begin(async (tx) => {
    await lockUser(tx, id);
    await tx`UPDATE users SET password_hash = ${passwordHash}, must_change_password = true, password_changed_at = now(), updated_at = now() WHERE id = ${id}`;
    await revokeUserSessions(tx, id);
    await writeAudit(tx, ctx, { action: "user.password.reset", targetType: "user", targetId: id, after: { mustChangePassword: true } });
    await sessionsEnded(tx, ctx, id, reason, ctx.actor.type === "system" ? null : "POST /api/users/:id/reset-password");
  });
  await bus.publish({ type: "session.revoked", userId: id, reason });
  return { temporaryPassword: secret };
}

/**
 * What is wrong with OPS_ADMIN_EMAIL / OPS_ADMIN_PASSWORD, checked by `npm start` before it creates the database, and
 * again when the first admin is created: one without the other, or a password the rules refuse. Null when fine or unset.
 */
export function firstAdminProblem(given: { email?: string | undefined; password?: string | undefined }): { field: string; message: string } | null {
  if (given.email && !given.password) return { field: "OPS_ADMIN_PASSWORD", message: "is required when OPS_ADMIN_EMAIL is set" };
  if (given.password && !given.email) return { field: "OPS_ADMIN_EMAIL", message: "is required when OPS_ADMIN_PASSWORD is set" };
  if (!given.email || !given.password) return null;
  const problem = passwordProblem(given.password, normalizeEmail(given.email));
  return problem ? { field: "OPS_ADMIN_PASSWORD", message: problem } : null;
}

/** The first admin: from OPS_ADMIN_EMAIL/OPS_ADMIN_PASSWORD, or admin@localhost with a generated password on an empty database. */
export async function ensureFirstAdmin(
  h: DbHandle,
  ctx: RequestContext,
  given: { email?: string | undefined; password?: string | undefined },
): Promise<{ created: boolean; email: string; password: string | null }> {
  const problem = firstAdminProblem(given);
  if (problem) throw invalid(problem.field, problem.message);
  if (given.email && given.password) {
    const email = normalizeEmail(given.email);
    const exists = await h.sql`SELECT 1 FROM users WHERE lower(email) = ${email}`;
    if (exists.length) return { created: false, email, password: null };
    await createUser(h, ctx, { email, displayName: "Administrator", roles: ["admin"] }, given.password);
    return { created: true, email, password: null };
  }
  const [count] = await h.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users`;
  if ((count?.n ?? 0) > 0) return { created: false, email: "", password: null };
  const { temporaryPassword: password } = await createUser(h, ctx, { email: "admin@localhost", displayName: "Administrator", roles: ["admin"] });
  return { created: true, email: "admin@localhost", password };
}
