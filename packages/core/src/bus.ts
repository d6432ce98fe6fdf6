import type { Redis } from "ioredis";
import { z } from "zod";
import { withTimeout } from "./timeout.ts";
import type { BusFrame, BusFrameType } from "@ops/contract";

/** Frames that travel the Redis bus and, the public ones unchanged, the dashboard WebSocket: declared in the contract. */
export type { BusFrame } from "@ops/contract";

const BUS_FRAME_TYPES = [
  "target.status",
  "target.update",
  "incident.updated",
  "run.updated",
  "postmortem.updated",
  "learning.updated",
  "proposal.updated",
  "slo.updated",
  "session.revoked",
  "token.revoked",
] as const satisfies readonly BusFrameType[];
// Frames come from our own processes: the bus checks the type only (a full parse of every frame in every API
// process would cost more than it protects); the dashboard parses each frame it receives with ServerFrame.
const BusFrameShape = z.object({ type: z.enum(BUS_FRAME_TYPES) }).loose();

/**
 * What a core verb needs to tell every dashboard about the change it just committed: the EventBus in the
 * API and the worker, a recorder in tests. Verbs publish their own frames after their transaction commits,
 * so the routes and jobs that call them stay one-liners.
 */
export type FramePublisher = { publish(frame: BusFrame): Promise<boolean> };

const SUBSCRIBER_DOWN_EVENTS = ["close", "end", "reconnecting", "error"] as const;

export function busChannel(prefix: string): string {
  return `${prefix}:bus`;
}

/** The one event bus: Redis pub/sub, so every API process sees what every worker publishes. */
export class EventBus {
  private readonly listeners = new Set<(frame: BusFrame) => void>();
  private subscribed = false;
  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis | null,
    private readonly prefix: string,
  ) {}

  /**
   * Tell every process. Never throws and never waits long: a frame is news, not a record (the record is in
   * PostgreSQL, and a dashboard that reconnects gets a fresh snapshot), so a Redis outage must not fail or
   * hang the request that already committed its change. Resolves false when the frame was not delivered.
   */
  async publish(frame: BusFrame, timeoutMs = 1000): Promise<boolean> {
    // Known to be away: do not queue the frame behind reconnect attempts.
    if (this.pub.status === "reconnecting" || this.pub.status === "end" || this.pub.status === "close") return false;
    try {
      await withTimeout(timeoutMs, this.pub.publish(busChannel(this.prefix), JSON.stringify(frame)), "Redis");
      return true;
    } catch {
      return false;
    }
  }

  /** True while the subscriber connection is up (frames published now reach this process). */
  get listening(): boolean {
    return this.sub?.status === "ready";
  }

  /**
   * Calls `down` whenever the subscriber connection drops (frames published from then on are lost to this process)
   * and `resubscribed` once it is back and subscribed again (ioredis re-subscribes on ready; a PING queued behind
   * that answers after it has): the moment to re-read whatever the frames kept current.
   */
  onResubscribed(resubscribed: () => void, down: () => void = () => {}): () => void {
    const sub = this.sub;
    if (!sub) return () => {};
    const ready = () =>
      void sub
        .ping()
        .then(() => resubscribed())
        .catch(() => {});
    sub.on("ready", ready);
    for (const ev of SUBSCRIBER_DOWN_EVENTS) sub.on(ev, down);
    return () => {
      sub.off("ready", ready);
      for (const ev of SUBSCRIBER_DOWN_EVENTS) sub.off(ev, down);
    };
  }

  async subscribe(listener: (frame: BusFrame) => void): Promise<() => void> {
    if (!this.sub) throw new Error("this EventBus was created without a subscriber connection");
    this.listeners.add(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      this.sub.on("message", (channel: string, message: string) => {
        if (channel !== busChannel(this.prefix)) return;
        const frame = parseFrame(message);
        if (!frame) return;
        for (const l of this.listeners) l(frame);
      });
      await this.sub.subscribe(busChannel(this.prefix));
    }
    return () => this.listeners.delete(listener);
  }
}

function parseFrame(message: string): BusFrame | null {
  try {
    const json: unknown = JSON.parse(message);
    return BusFrameShape.safeParse(json).success ? (json as BusFrame) : null;
  } catch {
    return null;
  }
}
