import type { OpsConfig, TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { NEVER_PROBED, exitObservation, monitoringPolicy, publishPolicy, type EvaluationPolicy, type ProbeObservation } from "@ops/domain";
import { recordObservations, loadPreviousStates, type RecordOutcome } from "../targets/record.ts";
import { effectiveThresholds } from "../settings.ts";
import { probePaths, probeTarget, readinessMaxAgeMs } from "./probe-target.ts";

export function evaluationPolicy(config: OpsConfig, thresholds: EvaluationPolicy["thresholds"] = config.monitoring.thresholds): EvaluationPolicy {
  return { thresholds, heartbeatTimeoutMs: config.monitoring.heartbeatTimeoutSeconds * 1000 };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Probe a batch of targets concurrently, then evaluate and store them in one transaction. `cycle` (the probe
 * cycle's slot) coalesces what is published: see `publishReason`; without it every probed target is news.
 */
export async function runProbeShard(
  h: DbHandle,
  config: OpsConfig,
  names: string[],
  cycle?: number,
): Promise<RecordOutcome & { probed: number; observations: ProbeObservation[] }> {
  const byName = new Map(config.fleet.targets.map((t) => [t.name, t]));
  const targets = names.map((n) => byName.get(n)).filter((t): t is TargetConfig => t !== undefined && t.enabled);
  const prev = await loadPreviousStates(
    h,
    targets.map((t) => t.name),
  );
  // A cycle's probes carry an ok, ready gateway's readiness between asks; a probe outside the cycle asks it.
  const readinessMaxAge = cycle === undefined ? undefined : readinessMaxAgeMs(monitoringPolicy(config.monitoring).intervalMs);
  const observations = await mapLimit(targets, config.monitoring.healthCheck.concurrency, async (t) => ({
    name: t.name,
    obs: await probeTarget(t, prev.get(t.name) ?? NEVER_PROBED, { timeoutMs: config.monitoring.healthCheck.timeoutMs, readinessMaxAgeMs: readinessMaxAge }),
  }));
  const thresholds = await effectiveThresholds(h.sql, config);
  const coalesce = cycle === undefined ? undefined : { cycle, policy: publishPolicy(monitoringPolicy(config.monitoring).intervalMs) };
  const outcome = await recordObservations(h, observations, evaluationPolicy(config, thresholds), config.monitoring.retention.samplesDays, coalesce);
  // observations: every probe's request, for the probe counters of GET /metrics (issue 16).
  return { ...outcome, probed: observations.length, observations: observations.map((o) => o.obs) };
}

/** The driver saw the target's process end: record it as down now, with how it ended, instead of waiting for the next probe. */
export async function recordExitObservation(h: DbHandle, config: OpsConfig, target: TargetConfig, message: string, at = Date.now()): Promise<RecordOutcome> {
  const thresholds = await effectiveThresholds(h.sql, config);
  const obs = exitObservation(target.check, probePaths(target), at, message);
  return recordObservations(h, [{ name: target.name, obs }], evaluationPolicy(config, thresholds), config.monitoring.retention.samplesDays);
}

/** Probe some targets now, outside the cycle (right after a restart, so the board does not wait a whole interval). */
export async function probeNow(h: DbHandle, config: OpsConfig, names: string[]): Promise<RecordOutcome & { probed: number }> {
  return runProbeShard(h, config, names);
}
