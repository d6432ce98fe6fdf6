import type { SloBody } from "@ops/contract";
import { columns, slos, type DbHandle, type Row } from "@ops/db";
import { writeAudit } from "../identity/audit.ts";
import { systemContext } from "../identity/context.ts";
import { createSlo, toDefinition } from "./slos.ts";

type SloRow = Row<typeof slos>;
const COLUMNS = columns(slos);

export type SloReconcile = { created: string[]; updated: string[]; removed: string[]; unchanged: string[]; skipped: { name: string; reason: string }[] };

const same = (row: SloRow, b: SloBody) =>
  row.description === (b.description ?? null) &&
  row.kind === b.kind &&
  JSON.stringify(row.selector) === JSON.stringify(b.selector) &&
  row.objectivePercent === b.objectivePercent &&
  row.thresholdMs === (b.thresholdMs ?? null) &&
  row.windowDays === b.windowDays &&
  row.policy === b.policy;

/**
 * Make the store's config SLOs (source "config") match the config's list, by name: missing ones created,
 * changed ones updated (their version goes up, a lifted policy stays lifted), ones no longer listed removed.
 * SLOs made in the UI or promoted from a learning are never touched; a config entry whose name one of them
 * already has is skipped and reported. Audited as the system actor "config". Every process runs this at
 * start; an advisory lock makes two starting at once take turns.
 */
export async function reconcileConfigSlos(h: DbHandle, wanted: readonly SloBody[]): Promise<SloReconcile> {
  const ctx = systemContext("config");
  const out: SloReconcile = { created: [], updated: [], removed: [], unchanged: [], skipped: [] };
  await h.sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('slo-config'))`;
    const rows = await tx<SloRow[]>`SELECT ${tx.unsafe(COLUMNS)} FROM slos`;
    const byName = new Map(rows.map((r) => [r.name, r]));
    const names = new Set(wanted.map((w) => w.name));
    for (const row of rows) {
      if (row.source !== "config" || names.has(row.name)) continue;
      await tx`DELETE FROM slos WHERE id = ${row.id}`;
      await writeAudit(tx, ctx, { action: "slo.delete", targetType: "slo", targetId: String(row.id), before: toDefinition(row) });
      out.removed.push(row.name);
    }
    for (const b of wanted) {
      const row = byName.get(b.name);
      if (!row) {
        await createSlo(h, ctx, b, { source: "config" }, tx);
        out.created.push(b.name);
      } else if (row.source !== "config") {
        out.skipped.push({
          name: b.name,
          reason: `an SLO named "${b.name}" was made in the ${row.source === "ui" ? "UI" : "learnings"}; the config entry is ignored`,
        });
      } else if (same(row, b)) {
        out.unchanged.push(b.name);
      } else {
        const [after] = await tx<SloRow[]>`
          UPDATE slos SET description = ${b.description ?? null}, kind = ${b.kind}, selector = ${tx.json(b.selector)}, objective_percent = ${b.objectivePercent},
            threshold_ms = ${b.thresholdMs ?? null}, window_days = ${b.windowDays}, policy = ${b.policy}, version = version + 1, updated_at = now()
          WHERE id = ${row.id} RETURNING ${tx.unsafe(COLUMNS)}`;
        await writeAudit(tx, ctx, {
          action: "slo.update",
          targetType: "slo",
          targetId: String(row.id),
          before: toDefinition(row),
          after: toDefinition(after!),
        });
        out.updated.push(b.name);
      }
    }
  });
  return out;
}
