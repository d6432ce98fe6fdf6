import { createHash } from "node:crypto";
import type postgres from "postgres";

/** How long a key's answer is kept, and how long a first request may take before its claim is abandoned. */
export const IDEMPOTENCY_TTL_HOURS = 24;
const CLAIM_LEASE_SECONDS = 60;

export type IdempotencyClaim =
  | { kind: "new" }
  | { kind: "replay"; statusCode: number; response: unknown }
  | { kind: "in-progress" }
  /** The first request's change committed (its audit row says so) but its answer was never stored. */
  | { kind: "carried-out"; action: string; targetType: string; targetId: string | null }
  | { kind: "mismatch"; method: string; path: string };

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest("hex");
}

/**
 * Claim a key for a request, or find what became of the first request with it: its stored answer, still in
 * progress, or another request entirely. A claim whose process died (lease passed) or an answer older than
 * 24 h is taken over.
 */
export async function claimIdempotencyKey(
  sql: postgres.Sql,
  k: { caller: string; key: string; method: string; path: string; hash: string; requestId: string },
): Promise<IdempotencyClaim> {
  // A lapsed claim is taken over only if its request left no audit row: the audit row is written in the
  // transaction that makes the change, so "no answer stored" after a commit (the process died, or PostgreSQL
  // went away between the commit and storing the answer) is never mistaken for "never ran".
  const [taken] = await sql<{ key: string }[]>`
    INSERT INTO idempotency_keys (caller, key, method, path, request_hash, request_id, lease_until)
    VALUES (${k.caller}, ${k.key}, ${k.method}, ${k.path}, ${k.hash}, ${k.requestId}, now() + make_interval(secs => ${CLAIM_LEASE_SECONDS}))
    ON CONFLICT (caller, key) DO UPDATE SET method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
      request_id = EXCLUDED.request_id, status_code = NULL, response = NULL, created_at = now(), lease_until = EXCLUDED.lease_until
    WHERE idempotency_keys.created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
       OR (idempotency_keys.status_code IS NULL AND idempotency_keys.lease_until < now()
           AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.request_id = idempotency_keys.request_id))
    RETURNING key`;
  if (taken) return { kind: "new" };
  const [row] = await sql<
    { method: string; path: string; hash: string; requestId: string | null; statusCode: number | null; response: unknown; lapsed: boolean }[]
  >`
    SELECT method, path, request_hash AS hash, request_id AS "requestId", status_code AS "statusCode", response, lease_until < now() AS lapsed
    FROM idempotency_keys WHERE caller = ${k.caller} AND key = ${k.key}`;
  // Deleted between the two statements (a 5xx released it): a new request then.
  if (!row) return claimIdempotencyKey(sql, k);
  if (row.method !== k.method || row.path !== k.path || row.hash !== k.hash) return { kind: "mismatch", method: row.method, path: row.path };
  if (row.statusCode !== null) return { kind: "replay", statusCode: row.statusCode, response: row.response };
  if (row.lapsed && row.requestId) {
    const [audit] = await sql<{ action: string; targetType: string; targetId: string | null }[]>`
      SELECT action, target_type AS "targetType", target_id AS "targetId" FROM audit_log WHERE request_id = ${row.requestId} ORDER BY id LIMIT 1`;
    if (audit) return { kind: "carried-out", ...audit };
  }
  return { kind: "in-progress" };
}

export async function completeIdempotencyKey(sql: postgres.Sql, caller: string, key: string, statusCode: number, response: unknown): Promise<void> {
  await sql`UPDATE idempotency_keys SET status_code = ${statusCode}, response = ${sql.json((response ?? null) as never)} WHERE caller = ${caller} AND key = ${key}`;
}

/** A 5xx committed nothing: the key is free for the retry. */
export async function releaseIdempotencyKey(sql: postgres.Sql, caller: string, key: string): Promise<void> {
  await sql`DELETE FROM idempotency_keys WHERE caller = ${caller} AND key = ${key} AND status_code IS NULL`;
}

export async function pruneIdempotencyKeys(sql: postgres.Sql): Promise<number> {
  const rows = await sql`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}) RETURNING key`;
  return rows.length;
}
