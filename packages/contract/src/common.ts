import { z } from "zod";

/** A PostgreSQL integer (int4) column: versions of postmortems, learnings and config copies. */
export const INT4_MAX = 2_147_483_647;
const EARLIEST = Date.parse("0001-01-01T00:00:00Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const storable = (s: string) => {
  const t = Date.parse(s);
  return t >= EARLIEST && t <= LATEST;
};

/** A record id. Ids are bigserial: positive, and no larger than a JSON number carries exactly. */
export const Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** A record id read from a path or a query string. */
export const IdText = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** The `:id` of a route whose records have numeric ids. */
export const IdParams = z.object({ id: IdText });
/** A version number kept in an int4 column (optimistic concurrency, config copies). */
export const Version = z.number().int().min(1).max(INT4_MAX);
/** A version number read from a path. */
export const VersionText = z.coerce.number().int().min(1).max(INT4_MAX);
/** A moment in any form Date.parse reads, within what PostgreSQL's timestamptz takes from us (years 0001–9999). */
export const DateText = z.string().max(64).refine(storable, "must be a date in the years 0001–9999 (ISO 8601)");
/** A moment in ISO 8601 with a time and an offset, years 0001–9999. */
export const IsoTimestamp = z.iso.datetime({ offset: true }).refine(storable, "must be in the years 0001–9999");
/** A monitoring threshold (percent or milliseconds), set by an admin or by a passed proposal. */
export const ThresholdValue = z.number().positive().max(600_000);

export const Status = z.enum(["ok", "warning", "critical", "down", "unknown"]);

export const ErrorBody = z
  .object({
    statusCode: z.number().int(),
    code: z.string().describe("machine code, e.g. VALIDATION, NOT_FOUND"),
    message: z.string().describe("what went wrong and what to do about it"),
    field: z.string().optional().describe("the offending field, where there is one"),
    requestId: z.string().optional(),
    issues: z
      .array(z.object({ line: z.number().int(), id: z.string().nullable(), message: z.string() }))
      .optional()
      .describe("itemised problems, e.g. each malformed entry of an imported file with its line"),
  })
  .meta({ id: "Error" });

export const Target = z
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
    resources: z.object({
      cpuPercent: z.number().optional(),
      memoryPercent: z.number().optional(),
      diskPercent: z.number().optional(),
    }),
    healing: z
      .object({
        state: z.enum(["idle", "waiting", "restarting", "starting", "escalated", "paused"]),
        attempt: z.number().int().nullable(),
        maxAttempts: z.number().int(),
        nextRestartAt: z.string().nullable(),
        lastRestartAt: z.string().nullable(),
        escalatedAt: z.string().nullable(),
        reason: z.string().nullable(),
        restartsInWindow: z.number().int().describe("crashes (exits and uptime resets) in the escalation window"),
        driver: z.string(),
        startingSince: z.string().nullable().describe("while starting: when the start or restart began"),
        startDeadline: z.string().nullable().describe("while starting: when it counts as timed out"),
        lastExit: z
          .object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.string() })
          .nullable()
          .describe("how the target's process last ended, when its driver saw it"),
        doctor: z
          .object({ caseId: z.string().nullable(), confidence: z.number().nullable(), outcome: z.string(), at: z.string() })
          .nullable()
          .describe("the doctor's latest diagnosis of this target"),
      })
      .nullable()
      .describe("what the self-healing ladder is doing; null when it has never acted"),
  })
  .meta({ id: "Target" });

export const StatusEvent = z
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

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
