import type { OpsConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { THRESHOLD_METRICS, type Thresholds } from "@ops/domain";
import type postgres from "postgres";
import { ServiceError } from "./errors.ts";
import { writeAudit } from "./identity/audit.ts";
import { requirePermission, type RequestContext } from "./identity/context.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The thresholds in force: monitoring-config.json, with what an admin or a passed proposal changed at run
 * time on top (the `settings` row). Read by every probe shard, so a change takes effect at the next probe.
 */
export async function effectiveThresholds(sql: Sql, config: OpsConfig): Promise<Thresholds> {
  const [row] = await sql<{ value: Partial<Thresholds> }[]>`SELECT value FROM settings WHERE key = 'thresholds'`;
  const base = config.monitoring.thresholds;
  if (!row) return base;
  const out = { ...base };
  for (const m of THRESHOLD_METRICS) if (row.value[m]) out[m] = { ...base[m], ...row.value[m] };
  return out;
}

/** The one way thresholds change: checked, stored, audited (by a person, or "applied by proposal N"). */
export async function setThresholds(
  tx: postgres.TransactionSql,
  config: OpsConfig,
  ctx: RequestContext,
  next: Thresholds,
  why: string | null = null,
): Promise<Thresholds> {
  requirePermission(ctx, "config:write");
  for (const m of THRESHOLD_METRICS) {
    const t = next[m];
    if (!(t.warning > 0 && t.warning < t.critical))
      throw new ServiceError("VALIDATION", `${m}: warning (${t.warning}) must be above 0 and below critical (${t.critical})`, `thresholds.${m}`);
    if (m !== "responseTimeMs" && t.critical > 100) throw new ServiceError("VALIDATION", `${m}: critical must be at most 100 %`, `thresholds.${m}.critical`);
  }
  const before = await effectiveThresholds(tx, config);
  await tx`
    INSERT INTO settings (key, value, updated_by) VALUES ('thresholds', ${tx.json(next)}, ${ctx.actor.label})
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`;
  await writeAudit(tx, ctx, {
    action: "settings.thresholds",
    targetType: "settings",
    targetId: "thresholds",
    before,
    after: why ? { ...next, appliedBy: why } : next,
  });
  return next;
}

export async function updateThresholds(h: DbHandle, config: OpsConfig, ctx: RequestContext, next: Thresholds): Promise<Thresholds> {
  return h.sql.begin((tx) => setThresholds(tx, config, ctx, next));
}
