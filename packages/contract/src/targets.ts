/** Targets, their probe samples and status events, and the self-healing ladder (`/api/targets`, `/api/events`, `/api/restarts`). */
import { z } from "zod";
import { DateText, IdText } from "./common.ts";

/** A target's status, worst last but one: `unknown` is "not probed yet" or "not monitored". */
export const Status = z.enum(["ok", "warning", "critical", "down", "unknown"]);
export type Status = z.infer<typeof Status>;

/** A target's name in a path: the `:name` of `/api/targets/:name…`. */
export const TargetName = z.string().min(1).max(63);
export const TargetNameParams = z.object({ name: TargetName });
export type TargetNameParams = z.infer<typeof TargetNameParams>;

/** Resource use the target reported with its last probe, in percent. */
export const Resources = z.object({
  cpuPercent: z.number().optional(),
  memoryPercent: z.number().optional(),
  diskPercent: z.number().optional(),
});
export type Resources = z.infer<typeof Resources>;

/** starting: a start or restart the driver carried out, waiting for the target to be healthy (tile: "starting (41 s)"). */
export const HealingState = z.enum(["idle", "waiting", "restarting", "starting", "escalated", "paused"]);
export type HealingState = z.infer<typeof HealingState>;

/** How the target's process last ended, when its driver saw it. */
export const ProcessExit = z.object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.string() });
export type ProcessExit = z.infer<typeof ProcessExit>;

/** The doctor's latest diagnosis of a target, as its tile shows it. */
export const HealingDoctor = z.object({ caseId: z.string().nullable(), confidence: z.number().nullable(), outcome: z.string(), at: z.string() });
export type HealingDoctor = z.infer<typeof HealingDoctor>;

/** What the self-healing ladder is doing about one target. */
export const HealingView = z.object({
  state: HealingState,
  /** The next or current attempt, 1-based. */
  attempt: z.number().int().nullable(),
  /** Crashes allowed in the window before it escalates. */
  maxAttempts: z.number().int(),
  nextRestartAt: z.string().nullable(),
  lastRestartAt: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  /** The escalation reason or the last restart's failure. */
  reason: z.string().nullable(),
  restartsInWindow: z.number().int().describe("crashes (exits and uptime resets) in the escalation window"),
  driver: z.string(),
  startingSince: z.string().nullable().describe("while starting: when the start or restart began"),
  startDeadline: z.string().nullable().describe("while starting: when it counts as timed out"),
  lastExit: ProcessExit.nullable().describe("how the target's process last ended, when its driver saw it"),
  doctor: HealingDoctor.nullable().describe("the doctor's latest diagnosis of this target"),
});
export type HealingView = z.infer<typeof HealingView>;

export const TargetView = z
  .object({
    name: z.string(),
    displayName: z.string(),
    kind: z.enum(["agent", "service"]),
    check: z.enum(["openclaw", "http", "tcp"]),
    url: z.string(),
    port: z.number().int().nullable(),
    enabled: z.boolean(),
    description: z.string().nullable(),
    status: Status,
    reason: z.string().describe("why the target has this status, in words a person can act on"),
    findings: z.array(z.object({ status: Status, reason: z.string() })),
    latencyMs: z.number().nullable(),
    checkedAt: z.string().nullable(),
    since: z.string().nullable().describe("when the current status began"),
    version: z.string().nullable(),
    uptimeMs: z.number().nullable().describe("uptime as of checkedAt; null while down"),
    ready: z.boolean().nullable(),
    resources: Resources,
    healing: HealingView.nullable().describe("what the self-healing ladder is doing; null when it has never acted"),
  })
  .meta({ id: "Target" });
export type TargetView = z.infer<typeof TargetView>;

export const TargetsResponse = z.object({ targets: z.array(TargetView) });
export type TargetsResponse = z.infer<typeof TargetsResponse>;
export const TargetResponse = z.object({ target: TargetView });
export type TargetResponse = z.infer<typeof TargetResponse>;

export const SamplesQuery = z.object({
  from: DateText.optional().describe("ISO 8601; default: an hour before `to`"),
  to: DateText.optional().describe("ISO 8601; default: now"),
});
export type SamplesQuery = z.infer<typeof SamplesQuery>;

/** One bucket of probe samples: the mean and the peak latency, and the worst status seen in it. */
export const SamplePoint = z.object({
  t: z.string(),
  latencyMs: z.number().nullable(),
  maxLatencyMs: z.number().nullable(),
  status: Status,
  count: z.number().int(),
});
export type SamplePoint = z.infer<typeof SamplePoint>;

/** GET /api/targets/:name/samples: probe samples of one target, downsampled to at most ~500 points. */
export const TargetSamples = z.object({
  target: z.string(),
  from: z.string(),
  to: z.string(),
  bucketMs: z.number().int(),
  points: z.array(SamplePoint),
});
export type TargetSamples = z.infer<typeof TargetSamples>;

export const StatusEventView = z
  .object({
    id: z.number().int(),
    target: z.string(),
    at: z.string(),
    kind: z.enum(["status", "restart"]),
    from: Status,
    to: Status,
    reason: z.string(),
  })
  .meta({ id: "StatusEvent" });
export type StatusEventView = z.infer<typeof StatusEventView>;

export const EventsQuery = z.object({
  target: TargetName.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: IdText.optional().describe("return events with an id below this (paging)"),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const EventsResponse = z.object({ events: z.array(StatusEventView) });
export type EventsResponse = z.infer<typeof EventsResponse>;

/** "succeeded" is the pre-2026-12 word for a restart whose driver answered. */
export const RestartStatus = z
  .enum(["started", "starting", "healthy", "failed", "timed-out", "interrupted", "skipped", "succeeded"])
  .describe("starting: the driver acted, waiting for the target; healthy / failed / timed-out: how the attempt ended");
export type RestartStatus = z.infer<typeof RestartStatus>;

export const RestartView = z
  .object({
    id: z.number().int(),
    target: z.string(),
    attempt: z.number().int(),
    kind: z.enum(["start", "restart"]).describe("start: the console's own first start of a target it runs; restart: after a failure"),
    driver: z.string(),
    status: RestartStatus,
    /** Why it was restarted, e.g. "down: connection refused". */
    reason: z.string(),
    /** What the driver said, e.g. "HTTP 200" or an error, and how the attempt ended. */
    output: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    exitSignal: z.string().nullable(),
    stderrTail: z.string().nullable().describe("the process's last lines before it exited (redacted)"),
    dueAt: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable().describe("when the driver finished acting"),
    endedAt: z.string().nullable().describe("when the attempt ended: healthy, failed or timed out"),
  })
  .meta({ id: "Restart" });
export type RestartView = z.infer<typeof RestartView>;

export const RestartsQuery = z.object({ target: TargetName.optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });
export type RestartsQuery = z.infer<typeof RestartsQuery>;

export const RestartsResponse = z.object({ restarts: z.array(RestartView) });
export type RestartsResponse = z.infer<typeof RestartsResponse>;

/** POST /api/targets/:name/healing: pause or resume auto-healing. */
export const HealingPausedBody = z.object({ paused: z.boolean() });
export type HealingPausedBody = z.infer<typeof HealingPausedBody>;

/** retry: one restart now, even while escalated; reset: forget restarts, crashes and the escalation. */
export const HealingAction = z.enum(["retry", "reset"]);
export type HealingAction = z.infer<typeof HealingAction>;

export const HealingActionBody = z.object({ action: HealingAction }).strict();
export type HealingActionBody = z.infer<typeof HealingActionBody>;

const STATUS_LIST = /^(ok|warning|critical|down|unknown)(,(ok|warning|critical|down|unknown))*$/;
const KIND_LIST = /^(agent|service)(,(agent|service))*$/;

/** GET /api/targets: without parameters, every target (TargetsResponse); with any, one filtered page (TargetsPage). */
export const TargetsQuery = z
  .object({
    status: z.string().max(64).regex(STATUS_LIST, "must be statuses separated by commas: ok, warning, critical, down, unknown").optional(),
    kind: z.string().max(32).regex(KIND_LIST, "must be kinds separated by commas: agent, service").optional(),
    q: z.string().max(200).optional().describe("text to find in the name, display name or description (case-insensitive)"),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    cursor: TargetName.optional().describe("the previous page's nextCursor: the page starts after this target"),
    offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((q) => q.cursor === undefined || q.offset === undefined, { message: "give cursor or offset, not both", path: ["offset"] });
export type TargetsQuery = z.infer<typeof TargetsQuery>;

/** One page of the fleet, in fleet order: `total` targets match, `version` is the fleet version it was read at. */
export const TargetsPage = z
  .object({
    targets: z.array(TargetView),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last"),
    total: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: "TargetsPage" });
export type TargetsPage = z.infer<typeof TargetsPage>;

/** GET /api/targets/summary: counts by status and the targets with a problem, agents first, worst first. */
export const TargetsSummary = z
  .object({
    version: z.number().int().describe("the fleet version the summary was read at"),
    total: z.number().int(),
    counts: z.object({ ok: z.number().int(), warning: z.number().int(), critical: z.number().int(), down: z.number().int(), unknown: z.number().int() }),
    problems: z.array(TargetView).describe("enabled targets that are down, critical or warning: agents first, then services, worst first"),
  })
  .meta({ id: "TargetsSummary" });
export type TargetsSummary = z.infer<typeof TargetsSummary>;
