import { snapshotAllConfigs } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";

/**
 * Every 60 s: a last-known-good copy of each enabled target's config file on this host, when the target
 * has been ok for a minute and the file changed and validates (packages/core/src/healing/config-repair.ts).
 * Returns what was kept, for the job's record.
 */
export async function runConfigSnapshotsJob(rt: WorkerRuntime): Promise<{ checked: number; taken: string[]; failed: string[] }> {
  const round = await snapshotAllConfigs(rt.db, rt.config);
  return {
    checked: round.length,
    taken: round.filter((r) => r.result.taken).map((r) => `${r.target} v${r.result.version}`),
    failed: round.filter((r) => r.result.note.startsWith("failed:")).map((r) => `${r.target}: ${r.result.note}`),
  };
}
