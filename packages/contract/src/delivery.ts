/** Deployments recorded for the delivery (DORA) metrics (`/api/deployments`). */
import { z } from "zod";
import { IsoTimestamp } from "./common.ts";

export const DEPLOYMENT_RESULTS = ["succeeded", "failed", "rolled_back"] as const;
export const DeploymentResult = z.enum(DEPLOYMENT_RESULTS);
export type DeploymentResult = z.infer<typeof DeploymentResult>;

/** Where a change came from: CI posting it, a version change the probes saw, a governance change, a runbook run. */
export const CHANGE_SOURCES = ["api", "probe", "governance", "runbook"] as const;
export const ChangeSource = z.enum(CHANGE_SOURCES);
export type ChangeSource = z.infer<typeof ChangeSource>;

/** POST /api/deployments: what CI reports after a deploy. */
export const DeploymentBody = z
  .object({
    service: z.string().trim().min(1).max(63).describe("a target name, or a service the fleet does not probe"),
    version: z.string().trim().min(1).max(100),
    commitAt: IsoTimestamp.describe("when the change was committed: lead time counts from here"),
    deployedAt: IsoTimestamp,
    result: DeploymentResult,
  })
  .strict()
  .refine((b) => Date.parse(b.commitAt) <= Date.parse(b.deployedAt), { message: "must not be after deployedAt", path: ["commitAt"] })
  .meta({ id: "DeploymentBody" });
export type DeploymentBody = z.infer<typeof DeploymentBody>;

export const Deployment = z
  .object({
    id: z.number().int(),
    service: z.string(),
    version: z.string(),
    commitAt: z.string().nullable().describe("null for changes whose commit time is unknown (a version the probes saw)"),
    deployedAt: z.string(),
    result: DeploymentResult,
    source: ChangeSource,
    recordedBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof Deployment>;

export const DeploymentAnswer = z.object({ deployment: Deployment });
export type DeploymentAnswer = z.infer<typeof DeploymentAnswer>;

export const DeploymentsQuery = z.object({
  service: z.string().trim().min(1).max(63).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type DeploymentsQuery = z.infer<typeof DeploymentsQuery>;

export const DeploymentList = z.object({ deployments: z.array(Deployment) });
export type DeploymentList = z.infer<typeof DeploymentList>;

// --- GET /api/delivery: the DORA metrics ---

/** The seed's bands (elite, high, medium, low). */
export const DoraBand = z.enum(["elite", "high", "medium", "low"]);
export type DoraBand = z.infer<typeof DoraBand>;

/** The four metrics over one period, each with its band (null: nothing to measure in the period). */
export const DoraPeriodView = z
  .object({
    from: z.string(),
    to: z.string(),
    deploymentFrequency: z.object({ count: z.number().int(), perDay: z.number(), band: DoraBand }),
    leadTime: z.object({ medianMs: z.number().nullable(), count: z.number().int(), band: DoraBand.nullable() }),
    changeFailureRate: z.object({
      failed: z.number().int(),
      total: z.number().int(),
      rate: z.number().nullable(),
      band: DoraBand.nullable(),
      failedIds: z.array(z.string()).describe("the changes counted as failed: deployment-<id>, proposal-<id>"),
    }),
    timeToRestore: z.object({ medianMs: z.number().nullable(), count: z.number().int(), band: DoraBand.nullable() }),
  })
  .meta({ id: "DoraPeriod" });
export type DoraPeriodView = z.infer<typeof DoraPeriodView>;

export const DeliveryReportView = z
  .object({
    generatedAt: z.string(),
    week: DoraPeriodView.describe("the last 7 days"),
    days30: DoraPeriodView.describe("the last 30 days"),
    weeks: z.array(DoraPeriodView).describe("week by week, oldest first: the trend"),
  })
  .meta({ id: "DeliveryReport" });
export type DeliveryReportView = z.infer<typeof DeliveryReportView>;
