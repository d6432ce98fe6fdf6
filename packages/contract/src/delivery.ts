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
