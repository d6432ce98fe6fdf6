import type { CreatedToken, CreateTokenBody, TokenView } from "@ops/contract";
import { apiTokens, columns, type DbHandle, type Row } from "@ops/db";
import { can, effectiveTokenRoles, mayGrantRoles, shouldTouchSession, type Role } from "@ops/domain";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, invalid, notFound } from "../errors.ts";
import { writeAudit } from "./audit.ts";
import { actingUserId, requirePermission, type Actor, type RequestContext } from "./context.ts";
import { hashSecret, newSecret } from "./secrets.ts";

export const TOKEN_PREFIX = "oco_";

export type { TokenView };

/** A token as stored (its hash aside), with its creator's email. */
type TokenRow = Omit<Row<typeof apiTokens>, "tokenHash"> & { createdByEmail: string };

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toTokenView(r: TokenRow): TokenView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    roles: r.roles,
    createdBy: { id: r.createdBy, email: r.createdByEmail },
    createdAt: r.createdAt.toISOString(),
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
    member: r.member,
  };
}

const SELECT = `SELECT ${columns(apiTokens, { alias: "t", except: ["tokenHash"] })}, u.email AS "createdByEmail"
  FROM api_tokens t JOIN users u ON u.id = t.created_by`;

/**
 * Any signed-in person may list and revoke their own tokens. A token acts only within its own resources: it
 * sees and may revoke itself, never its creator's other tokens (managing others' tokens needs tokens:manage-all).
 */
export async function listApiTokens(h: DbHandle, ctx: RequestContext): Promise<TokenView[]> {
  const all = can(ctx.actor.roles, "tokens:manage-all");
  const rows = all
    ? await h.sql.unsafe<TokenRow[]>(`${SELECT} ORDER BY t.created_at DESC`)
    : ctx.actor.type === "token"
      ? await h.sql.unsafe<TokenRow[]>(`${SELECT} WHERE t.id = $1`, [ctx.actor.id])
      : await h.sql.unsafe<TokenRow[]>(`${SELECT} WHERE t.created_by = $1 ORDER BY t.created_at DESC`, [actingUserId(ctx.actor) ?? ""]);
  return rows.map(toTokenView);
}

/** A machine identity with at most its creator's roles; the secret is returned once and stored hashed. */
export async function createApiToken(h: DbHandle, ctx: RequestContext, input: CreateTokenBody): Promise<CreatedToken> {
  requirePermission(ctx, "tokens:create");
  const userId = actingUserId(ctx.actor);
  if (!userId) throw new ServiceError("FORBIDDEN", "tokens are created on behalf of a user");
  if (!mayGrantRoles(input.roles, ctx.actor.roles)) {
    throw new ServiceError(
      "FORBIDDEN",
      `a token cannot carry roles you do not hold (${input.roles.filter((r) => !ctx.actor.roles.includes(r)).join(", ")})`,
      "roles",
    );
  }
  // Binding a token to a governance member lets it vote as that member: an admin's decision only.
  if (input.member !== undefined && !can(ctx.actor.roles, "users:manage"))
    throw new ServiceError("FORBIDDEN", "only an admin may bind a token to a governance member", "member");
  let expiresAt: Date | null = null;
  if (input.expiresAt !== undefined) {
    expiresAt = new Date(input.expiresAt);
    if (Number.isNaN(expiresAt.getTime())) throw invalid("expiresAt", "not a date (use ISO 8601)");
    if (expiresAt.getTime() <= Date.now()) throw invalid("expiresAt", "must be in the future");
  }
  const { secret, hash } = newSecret(TOKEN_PREFIX);
  return h.sql.begin(async (tx) => {
    const [created] = await tx<{ id: string }[]>`
      INSERT INTO api_tokens (name, token_hash, prefix, roles, created_by, expires_at, member)
      VALUES (${input.name.trim()}, ${hash}, ${secret.slice(0, TOKEN_PREFIX.length + 4)}, ${[...new Set(input.roles)]}::text[], ${userId}, ${expiresAt}, ${input.member ?? null})
      RETURNING id`;
    const [row] = await tx.unsafe<TokenRow[]>(`${SELECT} WHERE t.id = $1`, [created!.id]);
    const token = toTokenView(row!);
    await writeAudit(tx, ctx, { action: "token.create", targetType: "token", targetId: token.id, after: token });
    return { token, secret };
  });
}

/**
 * Revoke a token: one's own, or any with tokens:manage-all. Someone else's token is "not found" to others.
 * Then every API process is told to close the live sockets opened with it. The revocation is committed
 * already, so a bus that does not take the frame only earns a warning: the sockets' heartbeat re-check
 * closes them then.
 */
export async function revokeApiToken(
  h: DbHandle,
  ctx: RequestContext,
  id: string,
  deps: { bus: FramePublisher; warn?: (message: string) => void },
): Promise<void> {
  await h.sql.begin(async (tx) => {
    const rows = await tx.unsafe<TokenRow[]>(`${SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [id]);
    const row = rows[0];
    const own = ctx.actor.type === "token" ? row?.id === ctx.actor.id : row?.createdBy === actingUserId(ctx.actor);
    const mayTouch = row && (can(ctx.actor.roles, "tokens:manage-all") || own);
    if (!row || !mayTouch) throw notFound(`token ${id}`, "id");
    if (row.revokedAt) return;
    await tx`UPDATE api_tokens SET revoked_at = now() WHERE id = ${id}`;
    await writeAudit(tx, ctx, { action: "token.revoke", targetType: "token", targetId: id, before: toTokenView(row), after: { revoked: true } });
  });
  if (!(await deps.bus.publish({ type: "token.revoked", tokenId: id, reason: "token revoked" })))
    deps.warn?.("could not announce a token revocation on the bus");
}

/**
 * The actor behind a bearer token; null when unknown, revoked, expired or its creator is disabled.
 * Its roles are narrowed to those its creator still holds, so demoting a person demotes their tokens.
 */
export async function resolveApiToken(h: DbHandle, secret: string, now = Date.now()): Promise<Actor | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const [row] = await h.sql<
    {
      id: string;
      name: string;
      roles: Role[];
      userId: string;
      userRoles: Role[];
      expiresAt: Date | null;
      revokedAt: Date | null;
      disabledAt: Date | null;
      lastUsedAt: Date | null;
    }[]
  >`
    SELECT t.id, t.name, t.roles, t.created_by AS "userId", u.roles AS "userRoles", t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt",
           u.disabled_at AS "disabledAt", t.last_used_at AS "lastUsedAt"
    FROM api_tokens t JOIN users u ON u.id = t.created_by WHERE t.token_hash = ${hashSecret(secret)}`;
  if (!row || row.revokedAt || row.disabledAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
  if (!row.lastUsedAt || shouldTouchSession(row.lastUsedAt.getTime(), now)) await h.sql`UPDATE api_tokens SET last_used_at = now() WHERE id = ${row.id}`;
  return {
    type: "token",
    id: row.id,
    label: `token:${row.name}`,
    roles: effectiveTokenRoles(row.roles, row.userRoles),
    userId: row.userId,
    expiresAt: row.expiresAt,
  };
}
