/** Postmortems (`/api/postmortems`). */
import { z } from "zod";
import { Id, IdText, Version } from "./common.ts";
import { Severity } from "./incidents.ts";

/** Draft → in review → published; a review can send it back to draft; published is the record. */
export const POSTMORTEM_STATUSES = ["draft", "in_review", "published"] as const;
export const PostmortemStatus = z.enum(POSTMORTEM_STATUSES);
export type PostmortemStatus = z.infer<typeof PostmortemStatus>;
/** An incident's severity, as a postmortem's impact carries it. */
export type IncidentSeverity = Severity;

/** What set a postmortem off, and where (the values the editor offers; the field takes any short text). */
export const TRIGGERS = ["alert", "user_report", "monitoring", "deployment", "capacity_breach"] as const;
export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export const DORA_METRICS = ["deployment_frequency", "lead_time", "change_failure_rate", "mttr"] as const;
export const DoraMetric = z.enum(DORA_METRICS);
export type DoraMetric = z.infer<typeof DoraMetric>;

export const TimelineRow = z.object({ at: z.string(), event: z.string() });
export type TimelineRow = z.infer<typeof TimelineRow>;

export const ActionItem = z.object({ id: z.string(), text: z.string(), owner: z.string(), due: z.string().nullable(), done: z.boolean() });
export type ActionItem = z.infer<typeof ActionItem>;

export const Impact = z.object({
  usersAffected: z.string(),
  durationMinutes: z.number().nullable(),
  errorBudgetPercent: z.number().nullable().describe("downtime as a share of the monthly error budget of the SLO, in percent"),
  sloTarget: z.number(),
  budgetMinutes: z.number(),
  severity: Severity.nullable(),
});
export type Impact = z.infer<typeof Impact>;

export const PostmortemMetadata = z.object({
  trigger: z.string(),
  environment: z.string(),
  servicesAffected: z.array(z.string()),
  relatedIncidents: z.array(z.string()),
  doraImpact: z.array(z.string()),
});
export type PostmortemMetadata = z.infer<typeof PostmortemMetadata>;

export const PostmortemView = z
  .object({
    id: z.number().int(),
    opsId: z.string(),
    incidentId: z.number().int().nullable(),
    incidentKey: z.string().nullable(),
    learningId: z.string().nullable(),
    title: z.string(),
    status: PostmortemStatus,
    summary: z.string(),
    timeline: z.array(TimelineRow),
    usersAffected: z.string().describe("as written; `impact.usersAffected` carries the same text next to the computed figures"),
    impact: Impact,
    rootCause: z.string(),
    mitigation: z.string(),
    prevention: z.string(),
    actionItems: z.array(ActionItem),
    metadata: PostmortemMetadata,
    version: z.number().int(),
    createdBy: z.string(),
    updatedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
    publishedBy: z.string().nullable(),
  })
  .meta({ id: "Postmortem" });
export type PostmortemView = z.infer<typeof PostmortemView>;

export const PostmortemSummary = PostmortemView.pick({
  id: true,
  opsId: true,
  incidentId: true,
  incidentKey: true,
  title: true,
  status: true,
  version: true,
  updatedBy: true,
  updatedAt: true,
  publishedAt: true,
}).meta({ id: "PostmortemSummary" });
export type PostmortemSummary = z.infer<typeof PostmortemSummary>;

// ---------------------------------------------------------------------------------------------------------
// Requests

const Text = (max: number) => z.string().max(max);
const TimelineRowInput = z.object({ at: z.iso.datetime({ offset: true }), event: Text(2000) }).strict();
const ActionItemInput = z
  .object({ id: z.string().min(1).max(64), text: Text(1000), owner: Text(200), due: z.iso.date().nullable(), done: z.boolean() })
  .strict();
const MetadataInput = z
  .object({
    trigger: Text(64),
    environment: Text(64),
    servicesAffected: z.array(Text(120)).max(100),
    relatedIncidents: z.array(Text(64)).max(100),
    doraImpact: z.array(DoraMetric).max(4),
  })
  .strict();

export const PostmortemListQuery = z.object({
  status: PostmortemStatus.optional(),
  incident: IdText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type PostmortemListQuery = z.infer<typeof PostmortemListQuery>;

export const PostmortemList = z.object({ postmortems: z.array(PostmortemSummary) });
export type PostmortemList = z.infer<typeof PostmortemList>;

export const PostmortemAnswer = z.object({ postmortem: PostmortemView });
export type PostmortemAnswer = z.infer<typeof PostmortemAnswer>;

export const NewPostmortemBody = z.object({ incidentId: Id });
export type NewPostmortemBody = z.infer<typeof NewPostmortemBody>;

/** Edits made on a version; every field but the version optional. */
export const PostmortemPatchBody = z
  .object({
    version: Version,
    title: z.string().trim().min(1).max(200).optional(),
    summary: Text(20_000).optional(),
    timeline: z.array(TimelineRowInput).max(500).optional(),
    impact: z
      .object({ usersAffected: Text(500) })
      .strict()
      .optional(),
    rootCause: Text(20_000).optional(),
    mitigation: Text(20_000).optional(),
    prevention: Text(20_000).optional(),
    actionItems: z.array(ActionItemInput).max(200).optional(),
    metadata: MetadataInput.optional(),
  })
  .strict();
export type PostmortemPatchBody = z.infer<typeof PostmortemPatchBody>;

export const PostmortemTransitionBody = z.object({ to: PostmortemStatus, version: Version });
export type PostmortemTransitionBody = z.infer<typeof PostmortemTransitionBody>;
