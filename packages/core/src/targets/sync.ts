import type { FleetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";

/** Mirror fleet.json into the targets table; targets that left the config are retired, keeping their history. */
export async function syncTargets({ sql }: DbHandle, fleet: FleetConfig): Promise<void> {
  const rows = fleet.targets.map((t, i) => ({
    name: t.name,
    display_name: t.displayName ?? t.name,
    kind: t.kind,
    check: t.check,
    base_url: t.baseUrl,
    enabled: t.enabled,
    position: i,
    config: t,
  }));
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(7262002)`;
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await tx`
        INSERT INTO targets (name, display_name, kind, "check", base_url, enabled, position, config, retired_at, updated_at)
        SELECT x.name, x.display_name, x.kind, x."check", x.base_url, x.enabled, x.position, x.config, NULL, now()
        FROM jsonb_to_recordset(${tx.json(chunk)}) AS x(name text, display_name text, kind text, "check" text, base_url text, enabled boolean, position int, config jsonb)
        ON CONFLICT (name) DO UPDATE SET display_name = EXCLUDED.display_name, kind = EXCLUDED.kind, "check" = EXCLUDED."check",
          base_url = EXCLUDED.base_url, enabled = EXCLUDED.enabled, position = EXCLUDED.position, config = EXCLUDED.config,
          retired_at = NULL, updated_at = now()`;
      await tx`INSERT INTO target_state (name) SELECT unnest(${chunk.map((c) => c.name)}::text[]) ON CONFLICT (name) DO NOTHING`;
    }
    await tx`UPDATE targets SET retired_at = now() WHERE retired_at IS NULL AND NOT (name = ANY(${rows.map((r) => r.name)}))`;
  });
}
