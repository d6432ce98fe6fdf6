import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { BusFrame, TargetView } from "@ops/contract";
import { listTargets } from "@ops/core";
import type { Redis } from "ioredis";
import type { ApiDeps } from "../deps.ts";
import { Fleet, type FleetChanges } from "./fleet.ts";

/** What one applied change did: the names that changed (or left) and the fleet version after it. */
export type FleetChange = { names: string[]; version: number; frame: BusFrame | null };

/** A full re-read from PostgreSQL catches what no frame said (a worker syncing another fleet config); the bus carries the rest. */
export const RECONCILE_MS = 120_000;
const DOWN_EVENTS = ["close", "end", "reconnecting", "error"] as const;

/** The bus's subscriber connection (EventBus keeps it private; core has no hook for "re-subscribed" yet). */
function subscriberOf(bus: ApiDeps["bus"]): Redis | null {
  return (bus as unknown as { sub?: Redis | null }).sub ?? null;
}

/**
 * The fleet as this API process serves it: every target's current view in memory, fed by the bus's target frames,
 * read whole from PostgreSQL at start, whenever Redis (and so the bus) comes back, and every RECONCILE_MS. While
 * Redis is away frames may be missed, so the memory is not trusted: reads go to PostgreSQL until it is back.
 */
export class FleetState {
  /** Names this process's versions: a version means nothing to another API process (or this one restarted). */
  readonly epoch = randomUUID().slice(0, 8);
  private readonly fleet: Fleet;
  private trusted = false;
  private touched: Set<string> | null = null;
  private rebuilding: Promise<void> | null = null;
  private again = false;
  private readonly listeners = new Set<(change: FleetChange) => void>();
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cache: { version: number; list: Buffer | null; listGzip: Buffer | null; snapshot: Buffer | null; snapshotAt: number } = {
    version: -1,
    list: null,
    listGzip: null,
    snapshot: null,
    snapshotAt: 0,
  };
  /** The bus's connections: publishing (deps.redis) and subscribing (the bus's own). Either one down may lose frames. */
  private readonly connections: Redis[];
  private readonly onReady = new Map<Redis, () => void>();
  private readonly onRedisDown = () => {
    this.trusted = false;
  };

  constructor(
    private readonly deps: Pick<ApiDeps, "db" | "bus" | "redis">,
    private readonly log: (msg: string, err?: unknown) => void,
    ringSize?: number,
  ) {
    this.fleet = new Fleet(ringSize);
    this.connections = [deps.redis, subscriberOf(deps.bus)].filter((c): c is Redis => c !== null);
  }

  get version(): number {
    return this.fleet.version;
  }

  get(name: string): TargetView | undefined {
    return this.fleet.get(name);
  }

  /** Subscribes to the bus first (so nothing committed after the read is missed), then reads the fleet. */
  async start(): Promise<void> {
    this.unsubscribe = await this.deps.bus.subscribe((frame) => this.onFrame(frame));
    for (const conn of this.connections) {
      // The subscriber re-subscribes when it is ready again; a PING queued behind that resolves once it has.
      const ready = () =>
        void conn
          .ping()
          .then(() => this.rebuild())
          .catch(() => {});
      this.onReady.set(conn, ready);
      conn.on("ready", ready);
      for (const ev of DOWN_EVENTS) conn.on(ev, this.onRedisDown);
    }
    this.timer = setInterval(() => void this.rebuild().catch(() => {}), RECONCILE_MS);
    this.timer.unref();
    await this.rebuild().catch((err: unknown) => this.log("could not read the fleet from PostgreSQL; reads will ask it until it answers", err));
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    for (const [conn, ready] of this.onReady) {
      conn.off("ready", ready);
      for (const ev of DOWN_EVENTS) conn.off(ev, this.onRedisDown);
    }
    this.listeners.clear();
  }

  /** Called after every applied change, in bus order. */
  onChange(listener: (change: FleetChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when the memory may answer: read once and Redis connected since. */
  get isTrusted(): boolean {
    return this.trusted && this.connectionsUp();
  }

  /** The fleet, from memory when it is trusted, else read from PostgreSQL now. */
  async current(): Promise<{ targets: TargetView[]; version: number }> {
    if (!this.isTrusted) await this.rebuild();
    return { targets: this.fleet.list(), version: this.fleet.version };
  }

  /** `{"targets":[…]}` as GET /api/targets answers without parameters: built once per version. */
  async listJson(): Promise<Buffer> {
    await this.current();
    this.freshCache();
    this.cache.list ??= Buffer.from(`{"targets":[${this.joined()}]}`);
    return this.cache.list;
  }

  /** The same body gzipped, also once per version: a large fleet is compressed once, not once per request. */
  async listJsonGzip(): Promise<Buffer> {
    const list = await this.listJson();
    this.cache.listGzip ??= gzipSync(list, { level: 6 });
    return this.cache.listGzip;
  }

  /** The snapshot frame, built once per version (and again when its serverTime is a second old) and shared by every socket. */
  async snapshot(): Promise<Buffer> {
    await this.current();
    this.freshCache();
    const now = Date.now();
    if (!this.cache.snapshot || now - this.cache.snapshotAt >= 1000) {
      const tail = JSON.stringify({ serverTime: new Date(now).toISOString(), version: this.fleet.version, epoch: this.epoch }).slice(1);
      this.cache.snapshot = Buffer.from(`{"type":"snapshot","targets":[${this.joined()}],${tail}`);
      this.cache.snapshotAt = now;
    }
    return this.cache.snapshot;
  }

  /** What changed since a client's version, when this process can still say; else null (send a snapshot). */
  changesSince(since: number, epoch: string | undefined): FleetChanges | null {
    if (!this.isTrusted || (epoch !== undefined && epoch !== this.epoch)) return null;
    const changes = this.fleet.changesSince(since);
    // More than half the fleet changed: the snapshot is about as large and simpler to apply.
    if (changes && changes.targets.length + changes.removed.length > Math.max(64, this.fleet.size / 2)) return null;
    return changes;
  }

  private connectionsUp(): boolean {
    return this.connections.every((c) => c.status === "ready");
  }

  private freshCache() {
    if (this.cache.version !== this.fleet.version) this.cache = { version: this.fleet.version, list: null, listGzip: null, snapshot: null, snapshotAt: 0 };
  }

  private joined(): string {
    return this.fleet.jsonOfList();
  }

  private onFrame(frame: BusFrame) {
    let targets: TargetView[];
    if (frame.type === "target.status") targets = [frame.target];
    else if (frame.type === "target.update") targets = frame.targets;
    else return;
    for (const t of targets) this.touched?.add(t.name);
    const names = this.fleet.apply(targets);
    this.emit({ names, version: this.fleet.version, frame });
  }

  private emit(change: FleetChange) {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.log("a fleet listener failed", err);
      }
    }
  }

  /** Reads the fleet from PostgreSQL and applies the difference; one read at a time, another after it if asked meanwhile. */
  rebuild(): Promise<void> {
    if (this.rebuilding) {
      this.again = true;
      return this.rebuilding;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        const touched = new Set<string>();
        this.touched = touched;
        const redisUp = this.connectionsUp();
        try {
          const rows = await listTargets(this.deps.db);
          const names = this.fleet.rebuild(rows, touched);
          this.trusted = redisUp && this.connectionsUp();
          if (names.length > 0) this.emit({ names, version: this.fleet.version, frame: null });
        } finally {
          this.touched = null;
        }
      } while (this.again);
    };
    this.rebuilding = run().finally(() => (this.rebuilding = null));
    return this.rebuilding;
  }
}
