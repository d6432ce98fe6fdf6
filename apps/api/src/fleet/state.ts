import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { gzip as gzipCallback, gzipSync } from "node:zlib";
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

const gzip = promisify(gzipCallback);
/** Gzip level of the shared snapshot: level 6 is 5 % smaller than level 1 at 10,000 targets and about 3× the CPU, once per version. */
const SNAPSHOT_GZIP_LEVEL = 6;

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
  private cache = emptyCache(-1);
  /** The publishing connection (deps.redis); the bus watches its own subscriber. Either one down may lose frames. */
  private readonly connections: Redis[];
  private readonly onReady = new Map<Redis, () => void>();
  private offResubscribed: (() => void) | null = null;
  private readonly onRedisDown = () => {
    this.trusted = false;
  };

  constructor(
    private readonly deps: Pick<ApiDeps, "db" | "bus" | "redis">,
    private readonly log: (msg: string, err?: unknown) => void,
    ringSize?: number,
  ) {
    this.fleet = new Fleet(ringSize);
    this.connections = [deps.redis];
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
    this.offResubscribed = this.deps.bus.onResubscribed(() => void this.rebuild().catch(() => {}), this.onRedisDown);
    for (const conn of this.connections) {
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
    this.offResubscribed?.();
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

  /**
   * The snapshot frame gzipped, for sockets that ask for it (`/ws?snapshot=gzip`): compressed off the event loop once
   * per version (and again when its serverTime is a second old), and one compression in flight is shared by every
   * socket that asks meanwhile.
   */
  async snapshotGzip(): Promise<Buffer> {
    const text = await this.snapshot();
    if (this.cache.snapshotGzip?.of === text) return this.cache.snapshotGzip.gz;
    if (this.cache.gzipping?.of === text) return this.cache.gzipping.done;
    const cache = this.cache;
    const done = gzip(text, { level: SNAPSHOT_GZIP_LEVEL }).then((gz) => {
      if (cache.snapshot === text) cache.snapshotGzip = { of: text, gz };
      if (cache.gzipping?.of === text) cache.gzipping = null;
      return gz;
    });
    cache.gzipping = { of: text, done };
    return done;
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
    return this.deps.bus.listening && this.connections.every((c) => c.status === "ready");
  }

  private freshCache() {
    if (this.cache.version !== this.fleet.version) this.cache = emptyCache(this.fleet.version);
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

/** What is built once per fleet version and shared: the list, its gzip, the snapshot and its gzip (each of one snapshot text). */
type Cache = {
  version: number;
  list: Buffer | null;
  listGzip: Buffer | null;
  snapshot: Buffer | null;
  snapshotAt: number;
  snapshotGzip: { of: Buffer; gz: Buffer } | null;
  gzipping: { of: Buffer; done: Promise<Buffer> } | null;
};

function emptyCache(version: number): Cache {
  return { version, list: null, listGzip: null, snapshot: null, snapshotAt: 0, snapshotGzip: null, gzipping: null };
}
