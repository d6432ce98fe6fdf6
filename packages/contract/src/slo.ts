/** Service level objectives, their error budgets, burn rates and alerts (`/api/slos`). */
import { z } from "zod";
import { IsoTimestamp, Version } from "./common.ts";

export const SLO_KINDS = ["availability", "latency"] as const;
export const SloKind = z.enum(SLO_KINDS);
export type SloKind = z.infer<typeof SloKind>;

/** What an exhausted (or page-burning) budget asks of a risky runbook run on the targets the SLO covers. */
export const BUDGET_POLICIES = ["none", "confirm", "approval"] as const;
export const BudgetPolicy = z.enum(BUDGET_POLICIES);
export type BudgetPolicy = z.infer<typeof BudgetPolicy>;

/** The latency thresholds the rollups count probes under; a latency SLO picks one of them. */
export const LATENCY_BOUNDS_MS = [100, 250, 500, 1000, 2500, 5000] as const;

export const SLO_SOURCES = ["ui", "config", "learning"] as const;

export const BURN_WINDOW_NAMES = ["5m", "30m", "1h", "6h", "3d"] as const;
export const ALERT_RULE_IDS = ["page-fast", "page-slow", "ticket"] as const;

const TargetName = z.string().min(1).max(63);

/** Which targets an SLO covers: named ones, or every enabled target of a kind (the group follows the fleet). */
export const SloSelector = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("targets"), targets: z.array(TargetName).min(1).max(500) }).strict(),
    z.object({ type: z.literal("group"), group: z.enum(["agents", "services", "all"]) }).strict(),
  ])
  .meta({ id: "SloSelector" });
export type SloSelector = z.infer<typeof SloSelector>;

/** At most 4 decimals (99.9999 %), so the budget is computed exactly. */
const Objective = z
  .number()
  .min(50)
  .max(99.9999)
  .refine((n) => Math.abs(n * 10_000 - Math.round(n * 10_000)) < 1e-6, "must have at most 4 decimals (e.g. 99.95)");

const LatencyThreshold = z
  .number()
  .int()
  .refine((n) => (LATENCY_BOUNDS_MS as readonly number[]).includes(n), `must be one of ${LATENCY_BOUNDS_MS.join(", ")} ms`);

export const SloDefinition = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    kind: SloKind,
    selector: SloSelector,
    objectivePercent: z.number().describe("e.g. 99.9"),
    thresholdMs: z.number().int().nullable().describe("latency SLOs: the probe must answer in at most this"),
    windowDays: z.number().int().describe("the rolling window, e.g. 30"),
    policy: BudgetPolicy,
    policyLiftedUntil: z.string().nullable().describe("governance lifted the policy early until this instant"),
    source: z.enum(SLO_SOURCES),
    learningId: z.string().nullable().describe("the learning promoted to this SLO, if any"),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "SloDefinition" });
export type SloDefinition = z.infer<typeof SloDefinition>;

const bodyFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).nullable().optional(),
  kind: SloKind,
  selector: SloSelector,
  objectivePercent: Objective,
  thresholdMs: LatencyThreshold.nullable().optional(),
  windowDays: z.number().int().min(1).max(90).default(30),
  policy: BudgetPolicy.default("none"),
};

const latencyNeedsThreshold = (b: { kind?: SloKind | undefined; thresholdMs?: number | null | undefined }, ctx: z.RefinementCtx) => {
  if (b.kind === "latency" && (b.thresholdMs === undefined || b.thresholdMs === null))
    ctx.addIssue({ code: "custom", path: ["thresholdMs"], message: "a latency SLO needs a threshold" });
  if (b.kind === "availability" && b.thresholdMs !== undefined && b.thresholdMs !== null)
    ctx.addIssue({ code: "custom", path: ["thresholdMs"], message: "an availability SLO has no latency threshold" });
};

/** POST /api/slos. */
export const SloBody = z.object(bodyFields).strict().superRefine(latencyNeedsThreshold).meta({ id: "SloBody" });
export type SloBody = z.infer<typeof SloBody>;

/**
 * PATCH /api/slos/:id: any field, with the version read (a stale version is refused with 409). Setting
 * `policyLiftedUntil` lifts the error-budget policy early: a governance decision.
 */
export const SloPatch = z
  .object({
    name: bodyFields.name.optional(),
    description: bodyFields.description,
    kind: SloKind.optional(),
    selector: SloSelector.optional(),
    objectivePercent: Objective.optional(),
    thresholdMs: LatencyThreshold.nullable().optional(),
    windowDays: z.number().int().min(1).max(90).optional(),
    policy: BudgetPolicy.optional(),
    policyLiftedUntil: IsoTimestamp.nullable().optional(),
    version: Version,
  })
  .strict()
  .meta({ id: "SloPatch" });
export type SloPatch = z.infer<typeof SloPatch>;

export const SloAlert = z
  .object({
    rule: z.enum(ALERT_RULE_IDS),
    severity: z.enum(["page", "ticket"]),
    factor: z.number().describe("burn rate both windows must reach"),
    long: z.enum(BURN_WINDOW_NAMES),
    short: z.enum(BURN_WINDOW_NAMES),
    firing: z.boolean(),
    since: z.string().nullable(),
    lastNotifiedAt: z.string().nullable(),
  })
  .meta({ id: "SloAlert" });
export type SloAlert = z.infer<typeof SloAlert>;

export const BurnDownPoint = z.object({ at: z.string(), remainingMinutes: z.number(), remainingPercent: z.number() }).meta({ id: "BurnDownPoint" });
export type BurnDownPoint = z.infer<typeof BurnDownPoint>;

export const SloStatus = z
  .object({
    computedAt: z.string(),
    targets: z.array(z.string()).describe("the targets the selector covers now"),
    sli: z.number().nullable().describe("good / valid over the window, 0–1; null without a valid probe"),
    validProbes: z.number().int(),
    budget: z.object({
      totalMinutes: z.number(),
      spentMinutes: z.number(),
      remainingMinutes: z.number(),
      spentPercent: z.number(),
      remainingPercent: z.number(),
      exhausted: z.boolean(),
    }),
    burnRates: z.object({ "5m": z.number(), "30m": z.number(), "1h": z.number(), "6h": z.number(), "3d": z.number() }),
    alerts: z.array(SloAlert),
    policyInForce: z.boolean().describe("the budget is exhausted or a page alert fires, the policy is not none and not lifted"),
    burnDown: z.array(BurnDownPoint).optional().describe("on GET /api/slos/:id only: hourly remaining budget over the window"),
  })
  .meta({ id: "SloStatus" });
export type SloStatus = z.infer<typeof SloStatus>;

export const SloView = z.object({ slo: SloDefinition, status: SloStatus }).meta({ id: "Slo" });
export type SloView = z.infer<typeof SloView>;

export const SloList = z.object({ slos: z.array(SloView) });
export type SloList = z.infer<typeof SloList>;
