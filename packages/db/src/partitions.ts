import type postgres from "postgres";

const DAY_MS = 86_400_000;

function dayName(d: Date): string {
  return d.toISOString().slice(0, 10).replaceAll("-", "");
}

function startOfUtcDay(ms: number): Date {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

/** Daily partitions of probe_samples: create the ones around now, drop those past retention. */
export async function maintainSamplePartitions(
  sql: postgres.Sql,
  opts: { now?: number; daysAhead?: number; retentionDays: number },
): Promise<{ created: string[]; dropped: string[] }> {
  const now = opts.now ?? Date.now();
  const created: string[] = [];
  for (let i = -1; i <= (opts.daysAhead ?? 2); i++) {
    const from = startOfUtcDay(now + i * DAY_MS);
    const to = new Date(from.getTime() + DAY_MS);
    const name = `probe_samples_${dayName(from)}`;
    const exists = await sql`SELECT 1 FROM pg_class WHERE relname = ${name}`;
    if (exists.length > 0) continue;
    try {
      await sql.unsafe(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF probe_samples FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`);
      created.push(name);
    } catch (err) {
      // Another process created it between our check and our CREATE.
      if (!["42P07", "42P17"].includes((err as { code?: string }).code ?? "")) throw err;
    }
  }
  const cutoff = dayName(startOfUtcDay(now - opts.retentionDays * DAY_MS));
  const parts = await sql<{ relname: string }[]>`
    SELECT c.relname FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'probe_samples'`;
  const dropped: string[] = [];
  for (const { relname } of parts) {
    const day = relname.replace("probe_samples_", "");
    if (/^\d{8}$/.test(day) && day < cutoff) {
      await sql.unsafe(`DROP TABLE IF EXISTS "${relname}"`);
      dropped.push(relname);
    }
  }
  return { created, dropped };
}
