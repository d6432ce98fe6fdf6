import type { DbHandle } from "@ops/db";
import { effectiveTokenRoles, sessionState, type Role, type SessionPolicy } from "@ops/domain";

/** The credentials open live sockets were opened with: session token hashes and API token ids. */
export type LiveCredentials = { sessionHashes: readonly string[]; tokenIds: readonly string[] };
/** The roles each credential still carries; a credential that ended (revoked, expired, idle, its user disabled) is absent. */
export type LiveRoles = { sessions: Map<string, Role[]>; tokens: Map<string, Role[]> };

type Row = {
  kind: "session" | "token";
  key: string;
  roles: Role[];
  tokenRoles: Role[] | null;
  createdAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  disabledAt: Date | null;
  expiresAt: Date | null;
};

/**
 * Re-checks every open socket's credential in one statement (one per heartbeat for all sockets, not one per socket).
 * A watched session counts as used, as resolveSession does: sessions still valid and not touched for a minute are
 * touched in the same statement (validity is judged on the times before the touch), and API tokens likewise.
 */
export async function revalidateLiveCredentials(h: DbHandle, creds: LiveCredentials, policy: SessionPolicy, now = Date.now()): Promise<LiveRoles> {
  const result: LiveRoles = { sessions: new Map(), tokens: new Map() };
  if (creds.sessionHashes.length === 0 && creds.tokenIds.length === 0) return result;
  const hashes = [...new Set(creds.sessionHashes)];
  const ids = [...new Set(creds.tokenIds)];
  const rows = await h.sql<Row[]>`
    WITH touch_sessions AS (
      UPDATE sessions SET last_seen_at = now()
      WHERE token_hash = ANY(${hashes}::text[]) AND revoked_at IS NULL AND last_seen_at <= now() - interval '60 seconds'
        AND last_seen_at > now() - make_interval(secs => ${policy.idleTimeoutMs / 1000})
        AND created_at > now() - make_interval(secs => ${policy.absoluteTimeoutMs / 1000})
      RETURNING 1
    ), touch_tokens AS (
      UPDATE api_tokens SET last_used_at = now()
      WHERE id = ANY(${ids}::uuid[]) AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at <= now() - interval '60 seconds')
      RETURNING 1
    )
    SELECT 'session' AS kind, s.token_hash AS key, u.roles, NULL::text[] AS "tokenRoles", s.created_at AS "createdAt",
           s.last_seen_at AS "lastSeenAt", s.revoked_at AS "revokedAt", u.disabled_at AS "disabledAt", NULL::timestamptz AS "expiresAt"
    FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ANY(${hashes}::text[])
    UNION ALL
    SELECT 'token', t.id::text, u.roles, t.roles, t.created_at, t.created_at, t.revoked_at, u.disabled_at, t.expires_at
    FROM api_tokens t JOIN users u ON u.id = t.created_by WHERE t.id = ANY(${ids}::uuid[])`;
  for (const r of rows) {
    if (r.disabledAt) continue;
    if (r.kind === "session") {
      const state = sessionState(
        { createdAt: r.createdAt.getTime(), lastSeenAt: r.lastSeenAt.getTime(), revokedAt: r.revokedAt?.getTime() ?? null },
        policy,
        now,
      );
      if (state.valid) result.sessions.set(r.key, r.roles);
    } else if (!r.revokedAt && !(r.expiresAt && r.expiresAt.getTime() <= now)) {
      result.tokens.set(r.key, effectiveTokenRoles(r.tokenRoles ?? [], r.roles));
    }
  }
  return result;
}
