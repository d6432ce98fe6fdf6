import { columns, sessions, users, type DbHandle, type Row } from "@ops/db";
import {
  normalizeEmail,
  passwordProblem,
  permissionsOf,
  rateDecision,
  sessionState,
  shouldTouchSession,
  type Permission,
  type Role,
  type SessionPolicy,
} from "@ops/domain";
import type { LoginBody, PasswordChangeBody } from "@ops/contract";
import type { Redis } from "ioredis";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, invalid } from "../errors.ts";
import { recordSecurityEvent, writeAudit } from "./audit.ts";
import type { RequestContext } from "./context.ts";
import { hashPassword, hashSecret, newSecret, verifyPassword } from "./secrets.ts";
import { toUserView, userColumns, type UserRow, type UserView } from "./user-view.ts";

export const SESSION_PREFIX = "ocs_";

export type ClientMeta = { ip: string | null; userAgent: string | null };

export type LoginLimits = { perAccount: number; perAddress: number; windowMs: number };
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

const GENERIC_FAILURE = "invalid email or password";

async function bump(redis: Redis, key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
  const [[, count], [, ttl]] = (await redis.multi().incr(key).pttl(key).exec()) as [[null, number], [null, number]];
  if (ttl < 0) await redis.pexpire(key, windowMs);
  return { count, ttlMs: ttl < 0 ? windowMs : ttl };
}

function minutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

export async function createSession(tx: postgres.Sql | postgres.TransactionSql, userId: string, meta: ClientMeta): Promise<string> {
  const { secret, hash } = newSecret(SESSION_PREFIX);
  await tx`INSERT INTO sessions (token_hash, user_id, ip, user_agent) VALUES (${hash}, ${userId}, ${meta.ip}, ${meta.userAgent?.slice(0, 300) ?? null})`;
  return secret;
}

export async function revokeUserSessions(tx: postgres.Sql | postgres.TransactionSql, userId: string, keepHash?: string): Promise<number> {
  const rows = await tx`
    UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL AND token_hash <> ${keepHash ?? ""} RETURNING 1`;
  return rows.length;
}

/**
 * Password login, rate-limited per account and per address. Every failure looks the same to the caller,
 * whether or not the account exists, and costs the same time.
 */
export async function login(
  h: DbHandle,
  redis: Redis,
  keyPrefix: string,
  input: LoginBody,
  meta: ClientMeta,
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
): Promise<{ token: string; user: UserView }> {
  const email = normalizeEmail(input.email);
  const accountKey = `${keyPrefix}:rl:login:account:${email}`;
  const addressKey = `${keyPrefix}:rl:login:address:${meta.ip ?? "unknown"}`;
  // Count the attempt first, atomically, then decide: parallel guesses cannot all slip in between a read
  // and a write. A successful login clears the account's count and gives its attempt back to the address.
  const counted = [
    { key: accountKey, limit: limits.perAccount, what: "per account", ...(await bump(redis, accountKey, limits.windowMs)) },
    { key: addressKey, limit: limits.perAddress, what: "per address", ...(await bump(redis, addressKey, limits.windowMs)) },
  ];
  for (const c of counted) {
    const d = rateDecision(c.count, c.ttlMs, { limit: c.limit, windowMs: limits.windowMs });
    if (d.limited) {
      await recordSecurityEvent(h.sql, { kind: "login.rate_limited", email, ...meta, route: "POST /api/auth/login", detail: c.what });
      throw new ServiceError("RATE_LIMITED", `too many failed attempts; try again in ${minutes(d.retryAfterMs)} minutes`);
    }
  }
  const rows = await h.sql.unsafe<(UserRow & Pick<Row<typeof users>, "passwordHash">)[]>(
    `SELECT ${userColumns()}, ${columns(users, { only: ["passwordHash"] })} FROM users WHERE lower(email) = $1`,
    [email],
  );
  const row = rows[0];
  const ok = await verifyPassword(row?.passwordHash ?? null, input.password);
  if (!row || !ok || row.disabledAt !== null) {
    const detail = !row ? "no such account" : !ok ? "wrong password" : "account disabled";
    await recordSecurityEvent(h.sql, { kind: "login.failed", email, actorId: row?.id ?? null, ...meta, route: "POST /api/auth/login", detail });
    throw new ServiceError("UNAUTHENTICATED", GENERIC_FAILURE);
  }
  await redis.multi().del(accountKey).decr(addressKey).exec();
  const token = await h.sql.begin(async (tx) => {
    const t = await createSession(tx, row.id, meta);
    await tx`UPDATE users SET last_login_at = now() WHERE id = ${row.id}`;
    return t;
  });
  return { token, user: toUserView({ ...row, lastLoginAt: new Date() }) };
}

export type SessionIdentity = {
  user: UserView;
  roles: Role[];
  permissions: Permission[];
  tokenHash: string;
  idleExpiresAt: Date;
  expiresAt: Date;
};

type SessionRow = UserRow & Pick<Row<typeof sessions>, "tokenHash" | "lastSeenAt" | "revokedAt"> & { sessionCreatedAt: Date };

/** Resolve a session cookie; null when missing, revoked, expired, idle, or its user is disabled. */
export async function resolveSession(
  h: DbHandle,
  token: string,
  policy: SessionPolicy,
  opts: { now?: number; touch?: boolean } = {},
): Promise<SessionIdentity | null> {
  const now = opts.now ?? Date.now();
  if (!token.startsWith(SESSION_PREFIX) || token.length > 200) return null;
  const tokenHash = hashSecret(token);
  const rows = await h.sql.unsafe<SessionRow[]>(
    `SELECT ${userColumns("u")}, ${columns(sessions, { alias: "s", only: ["tokenHash", "lastSeenAt", "revokedAt"] })}, s.created_at AS "sessionCreatedAt"
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row || row.disabledAt !== null) return null;
  const state = sessionState(
    { createdAt: row.sessionCreatedAt.getTime(), lastSeenAt: row.lastSeenAt.getTime(), revokedAt: row.revokedAt?.getTime() ?? null },
    policy,
    now,
  );
  if (!state.valid) return null;
  let idleExpiresAt = state.idleExpiresAt;
  if (opts.touch !== false && shouldTouchSession(row.lastSeenAt.getTime(), now)) {
    await h.sql`UPDATE sessions SET last_seen_at = now() WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`;
    idleExpiresAt = Math.min(now + policy.idleTimeoutMs, state.expiresAt);
  }
  return {
    user: toUserView(row),
    roles: row.roles,
    permissions: permissionsOf(row.roles),
    tokenHash,
    idleExpiresAt: new Date(idleExpiresAt),
    expiresAt: new Date(state.expiresAt),
  };
}

export async function logout(h: DbHandle, token: string): Promise<void> {
  await h.sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${hashSecret(token)} AND revoked_at IS NULL`;
}

/**
 * Change one's own password: every session of the user ends (every API process is told, so their live
 * sockets close), and the caller gets a fresh one, so this browser stays signed in while any stolen session dies.
 */
export async function changeOwnPassword(
  h: DbHandle,
  ctx: RequestContext,
  input: PasswordChangeBody,
  meta: ClientMeta,
  bus: FramePublisher,
): Promise<{ token: string }> {
  if (ctx.actor.type !== "user") throw new ServiceError("FORBIDDEN", "only a signed-in person can change a password (not an API token)");
  const userId = ctx.actor.id;
  const [row] = await h.sql<Pick<Row<typeof users>, "email" | "passwordHash">[]>`
    SELECT ${h.sql.unsafe(columns(users, { only: ["email", "passwordHash"] }))} FROM users WHERE id = ${userId}`;
  if (!row) throw new ServiceError("UNAUTHENTICATED", "your account no longer exists");
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new ServiceError("UNAUTHENTICATED", "currentPassword: the current password is wrong", "currentPassword");
  }
  const problem = passwordProblem(input.newPassword, row.email);
  if (problem) throw invalid("newPassword", problem);
  if (input.newPassword === input.currentPassword) throw invalid("newPassword", "must differ from the current password");
  const passwordHash = await hashPassword(input.newPassword);
  const token = await h.sql.begin(async (tx) => {
    await tx`UPDATE users SET password_hash = ${passwordHash}, must_change_password = false, password_changed_at = now(), updated_at = now() WHERE id = ${userId}`;
    await revokeUserSessions(tx, userId);
    const t = await createSession(tx, userId, meta);
    await writeAudit(tx, ctx, { action: "auth.password.change", targetType: "user", targetId: userId, after: { passwordChanged: true } });
    return t;
  });
  await bus.publish({ type: "session.revoked", userId, reason: "password changed" });
  return { token };
}
