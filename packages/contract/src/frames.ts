import { z } from "zod";
import { ProposalSummary } from "./governance.ts";
import { IncidentView } from "./incidents.ts";
import { LearningSummary } from "./learnings.ts";
import { PostmortemSummary } from "./postmortems.ts";
import { RunSummary, StepView } from "./runbooks.ts";
import { StatusEventView, TargetView } from "./targets.ts";

// The live channel. Bus frames travel Redis between the API and worker processes and, the public ones
// unchanged, the dashboard's WebSocket (/ws); the socket adds its own frames (snapshot, heartbeat, pong,
// error). The dashboard parses every frame it receives with ServerFrame and drops what does not fit.

/** A target changed status: the target as it is now, and the event that records the change. */
export const TargetStatusFrame = z.object({ type: z.literal("target.status"), target: TargetView, event: StatusEventView });
/** Targets changed without a status change (latency, healing, a person's action). */
export const TargetUpdateFrame = z.object({ type: z.literal("target.update"), targets: z.array(TargetView) });
export const IncidentUpdatedFrame = z.object({ type: z.literal("incident.updated"), incident: IncidentView });
/** A run moved: its summary, and the step that changed (null when only the run did). */
export const RunUpdatedFrame = z.object({ type: z.literal("run.updated"), run: RunSummary, step: StepView.nullable() });
export const PostmortemUpdatedFrame = z.object({ type: z.literal("postmortem.updated"), postmortem: PostmortemSummary });
export const LearningUpdatedFrame = z.object({ type: z.literal("learning.updated"), learning: LearningSummary });
export const ProposalUpdatedFrame = z.object({ type: z.literal("proposal.updated"), proposal: ProposalSummary });
/**
 * The SLOs were evaluated (every minute, by the worker): their budgets and burn rates moved. `changed` names the SLOs
 * whose alerts fired or resolved in this pass; the dashboard fetches the SLOs it shows again either way.
 */
export const SloUpdatedFrame = z.object({ type: z.literal("slo.updated"), at: z.string(), changed: z.array(z.number().int()) });
/** Internal: every API process closes the user's live sockets; never forwarded to browsers. */
export const SessionRevokedFrame = z.object({ type: z.literal("session.revoked"), userId: z.string(), reason: z.string() });
/** Internal: every API process closes the live sockets opened with this API token; never forwarded to browsers. */
export const TokenRevokedFrame = z.object({ type: z.literal("token.revoked"), tokenId: z.string(), reason: z.string() });

const PUBLIC_BUS_FRAMES = [
  TargetStatusFrame,
  TargetUpdateFrame,
  IncidentUpdatedFrame,
  RunUpdatedFrame,
  PostmortemUpdatedFrame,
  LearningUpdatedFrame,
  ProposalUpdatedFrame,
  SloUpdatedFrame,
] as const;

/** Every frame on the Redis bus. */
export const BusFrame = z.discriminatedUnion("type", [...PUBLIC_BUS_FRAMES, SessionRevokedFrame, TokenRevokedFrame]);
export type BusFrame = z.infer<typeof BusFrame>;
/** The bus frames the dashboards receive. */
export const PublicBusFrame = z.discriminatedUnion("type", [...PUBLIC_BUS_FRAMES]);
export type PublicBusFrame = z.infer<typeof PublicBusFrame>;
export type BusFrameType = BusFrame["type"];
/** The frames the API keeps to itself: they end sockets, they are not news. */
export const INTERNAL_FRAME_TYPES = ["session.revoked", "token.revoked"] as const satisfies readonly BusFrameType[];

/**
 * First frame on every socket: the whole fleet as it is, at fleet `version` of the API process `epoch`
 * (reconnect with `/ws?since=<version>&epoch=<epoch>` to get only what changed).
 */
export const SnapshotFrame = z.object({
  type: z.literal("snapshot"),
  targets: z.array(TargetView),
  serverTime: z.string(),
  version: z.number().int().optional(),
  epoch: z.string().optional(),
});
/**
 * First frame instead of a snapshot when a client resumed (`/ws?since=<version>`) and the API still knows what changed
 * since: the targets that changed, as they are now, and the names that left the fleet. The client is then at `version`.
 */
export const ChangesFrame = z.object({
  type: z.literal("changes"),
  since: z.number().int(),
  version: z.number().int(),
  epoch: z.string(),
  targets: z.array(TargetView),
  removed: z.array(z.string()),
  serverTime: z.string(),
});
/** Every 15 s: proof of life, and the server's clock for the dashboard's countdowns. */
export const HeartbeatFrame = z.object({ type: z.literal("heartbeat"), serverTime: z.string() });
export const PongFrame = z.object({ type: z.literal("pong"), serverTime: z.string() });
/** Something went wrong on the server's side of the socket, or a client frame was refused (naming its field). */
export const ErrorFrame = z.object({ type: z.literal("error"), code: z.string(), message: z.string(), field: z.string().optional() });

/** Everything the dashboard may receive on /ws. */
export const ServerFrame = z.discriminatedUnion("type", [...PUBLIC_BUS_FRAMES, SnapshotFrame, ChangesFrame, HeartbeatFrame, PongFrame, ErrorFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type SnapshotFrame = z.infer<typeof SnapshotFrame>;
export type ChangesFrame = z.infer<typeof ChangesFrame>;
export type HeartbeatFrame = z.infer<typeof HeartbeatFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;

/**
 * The query of `/ws`. `since` and `epoch` are a resume hint: one the API cannot use (not a version, another process's
 * epoch) gets the snapshot, as a client without one does. `snapshot=gzip` asks for the snapshot as ONE binary frame,
 * the SnapshotFrame's JSON gzipped (built once per fleet version and shared by every socket that asks); without it the
 * snapshot is a JSON text frame. `updates=gzip` asks the same for each `target.update` of 4 KiB or more (the routine
 * batches a probe cycle sends: gzipped once per frame, shared); status changes and every other frame stay JSON text.
 */
export const LiveQuery = z.object({
  since: z.string().optional(),
  epoch: z.string().optional(),
  snapshot: z.enum(["gzip", "json"]).optional(),
  updates: z.enum(["gzip", "json"]).optional(),
});
export type LiveQuery = z.infer<typeof LiveQuery>;

/** What a dashboard may send on /ws (at most 4 KiB a frame). */
export const ClientFrame = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);
export type ClientFrame = z.infer<typeof ClientFrame>;
