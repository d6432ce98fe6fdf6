import type { Redis } from "ioredis";
import { z } from "zod";
import { withTimeout } from "./timeout.ts";
import type { IncidentView, LearningSummary, PostmortemSummary, ProposalSummary, RunSummary, StepView } from "@ops/contract";
import type { TargetView, StatusEventView } from "./targets/views.ts";

/** Frames that travel the Redis bus and, unchanged, the dashboard WebSocket. */
export type BusFrame =
  | { type: "target.status"; target: TargetView; event: StatusEventView }
  | { type: "target.update"; targets: TargetView[] }
  | { type: "incident.updated"; incident: IncidentView }
  /** A run moved: its summary, and the step that changed (null when only the run did). */
  | { type: "run.updated"; run: RunSummary; step: StepView | null }
  | { type: "postmortem.updated"; postmortem: PostmortemSummary }
  | { type: "learning.updated"; learning: LearningSummary }
  | { type: "proposal.updated"; proposal: ProposalSummary }
  /** Internal: every API process closes the user's live sockets; never forwarded to browsers. */
  | { type: "session.revoked"; userId: string; reason: string }
  /** Internal: every API process closes the live sockets opened with this API token; never forwarded to browsers. */
  | { type: "token.revoked"; tokenId: string; reason: string };

const BusFrameShape = z.object({ type: z.enum(["target.status", "target.update", "incident.updated", "run.updated", "postmortem.updated", "learning.updated", "proposal.updated", "session.revoked", "token.revoked"]) }).loose();

/**
 * What a core verb needs to tell every dashboard about the change it just committed: the EventBus in the
 * API and the worker, a recorder in tests. Verbs publish their own frames after their transaction commits,
 * so the routes and jobs that call them stay one-liners.
 */
export type FramePublisher = { publish(frame: BusFrame): Promise<boolean> };

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
