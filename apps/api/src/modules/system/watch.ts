import { readWatchState, toMonitoringStatus, withTimeout, type MonitoringStatus } from "@ops/core";
import { monitoringPolicy } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";

export type WatchView = MonitoringStatus;

/**
 * Each API process watches the watcher: every few seconds it reads the newest probe result of each shard
 * from PostgreSQL and judges whether probing goes on. The board's banner and /readyz read the last verdict,
 * so neither waits on the database.
 */
export class WatchMonitor {
  private view: WatchView;
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private running: Promise<void> | null = null;

  constructor(private readonly deps: Pick<ApiDeps, "db" | "config">) {
    const limitSeconds = monitoringPolicy(deps.config.monitoring).staleAfterMs / 1000;
    this.view = { state: "watching", since: null, reason: "starting: no verdict yet", limitSeconds, judgedAt: null, shards: [] };
  }

  /** Judge now and then every `everyMs` (half an interval, between 1 and 5 s). */
  start(): void {
    const everyMs = Math.min(5000, Math.max(1000, monitoringPolicy(this.deps.config.monitoring).intervalMs / 2));
    void this.judge();
    this.timer = setInterval(() => void this.judge(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  current(): WatchView {
    return this.view;
  }

  judge(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = null));
    return this.running;
  }

  private async read(): Promise<void> {
    const now = Date.now();
    try {
      const w = await withTimeout(3000, readWatchState(this.deps.db, this.deps.config, { now, watchingSince: this.startedAt }), "PostgreSQL");
      this.view = toMonitoringStatus(w, now);
    } catch (err) {
      // Keep the last known shards; say plainly that the console cannot tell.
      this.view = {
        ...this.view,
        state: "unknown",
        reason: `cannot tell whether probing goes on: PostgreSQL did not answer (${(err as Error).message})`,
        judgedAt: new Date(now).toISOString(),
      };
    }
  }
}
