/** Learnings, recurring patterns and promotions (`/api/learnings`, `/api/patterns`, `/api/promotions`). */
import { z } from "zod";
import { IdText, Version } from "./common.ts";

/** The values of the `.learnings/` format, declared once: the parser, the API and the dashboard's filters use these. */
export const LEARNING_TYPES = ["LRN", "OPS", "FEAT"] as const;
export const LearningType = z.enum(LEARNING_TYPES);
export type LearningType = z.infer<typeof LearningType>;

/** An LRN entry's heading. */
export const LEARNING_CATEGORIES = ["process_bottleneck", "incident_pattern", "capacity_issue", "automation_gap", "sla_breach", "toil_accumulation"] as const;
export const LearningCategory = z.enum(LEARNING_CATEGORIES);
export type LearningCategory = z.infer<typeof LearningCategory>;

export const LEARNING_AREAS = ["incident_management", "change_management", "capacity_planning", "automation", "monitoring", "runbooks", "on_call"] as const;
export const LearningArea = z.enum(LEARNING_AREAS);
export type LearningArea = z.infer<typeof LearningArea>;

export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const LEARNING_STATUSES = ["pending", "in_progress", "resolved", "wont_fix", "promoted", "promoted_to_skill"] as const;
export const LearningStatus = z.enum(LEARNING_STATUSES);
export type LearningStatus = z.infer<typeof LearningStatus>;

/** What a learning can be promoted to (the request), and the kind of promotion that records it. */
export const PROMOTION_TARGETS = ["runbook", "postmortem", "automation", "capacity", "handoff", "slo"] as const;
export const PromotionTarget = z.enum(PROMOTION_TARGETS);
export type PromotionTarget = z.infer<typeof PromotionTarget>;
export const PROMOTION_KINDS = ["runbook-draft", "postmortem", "automation", "capacity", "handoff", "slo"] as const;
export const PromotionKind = z.enum(PROMOTION_KINDS);
export type PromotionKind = z.infer<typeof PromotionKind>;

/** The three `.learnings/` files, by the name the API takes. */
export const LEARNING_FILE_KINDS = ["learnings", "operations-issues", "feature-requests"] as const;
export const LearningFileKind = z.enum(LEARNING_FILE_KINDS);
export type LearningFileKind = z.infer<typeof LearningFileKind>;

export const KeyValue = z.object({ key: z.string(), value: z.string() });
export type KeyValue = z.infer<typeof KeyValue>;

export const LearningSummary = z
  .object({
    id: z.string(),
    type: LearningType,
    heading: z.string(),
    title: z
      .string()
      .nullable()
      .describe("what people read when the entry has a name of its own: the postmortem's title for the OPS entry publishing it wrote"),
    priority: Priority,
    status: LearningStatus,
    area: z.string(),
    category: z.string().nullable(),
    severity: z.string().nullable(),
    summary: z.string(),
    patternKey: z.string().nullable(),
    recurrenceCount: z.number().int(),
    firstSeen: z.string().nullable(),
    lastSeen: z.string().nullable(),
    seeAlso: z.array(z.string()),
    loggedAt: z.string(),
    source: z.string().describe("manual, import, postmortem, or detector:<trigger>"),
    promotedTo: z.object({ kind: z.string(), id: z.number().int(), title: z.string() }).nullable(),
    incidentIds: z.array(z.number().int()),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "LearningSummary" });
export type LearningSummary = z.infer<typeof LearningSummary>;

export const LearningView = LearningSummary.extend({
  sections: z.array(z.object({ title: z.string(), body: z.string() })),
  fields: z.array(KeyValue),
  metadata: z.array(KeyValue),
  evidence: z.unknown(),
  markdown: z.string().describe("the entry in the .learnings/ format"),
}).meta({ id: "Learning" });
export type LearningView = z.infer<typeof LearningView>;

export const PatternView = z.object({
  patternKey: z.string(),
  learningId: z.string(),
  heading: z.string(),
  type: LearningType,
  recurrenceCount: z.number().int(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  priority: Priority,
  status: LearningStatus,
});
export type PatternView = z.infer<typeof PatternView>;

export const PromotionView = z
  .object({
    id: z.number().int(),
    kind: PromotionKind,
    learningId: z.string(),
    title: z.string(),
    body: z.string(),
    payload: z.unknown(),
    done: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    postmortemId: z.number().int().nullable(),
  })
  .meta({ id: "Promotion" });
export type PromotionView = z.infer<typeof PromotionView>;

// ---------------------------------------------------------------------------------------------------------
// Requests and answers

const Text = (max: number) => z.string().max(max);

export const LearningParams = z.object({ id: z.string().regex(/^(LRN|OPS|FEAT)-\d{8}-[A-Z0-9]{3}$/, "must look like LRN-20250415-001") });
export type LearningParams = z.infer<typeof LearningParams>;

export const LearningListQuery = z.object({
  q: z.string().max(200).optional(),
  type: LearningType.optional(),
  status: LearningStatus.optional(),
  priority: Priority.optional(),
  area: LearningArea.optional(),
  category: LearningCategory.optional(),
  incident: IdText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(40).optional(),
});
export type LearningListQuery = z.infer<typeof LearningListQuery>;

export const LearningList = z.object({ learnings: z.array(LearningSummary) });
export type LearningList = z.infer<typeof LearningList>;

export const PatternList = z.object({ patterns: z.array(PatternView) });
export type PatternList = z.infer<typeof PatternList>;

export const LearningAnswer = z.object({ learning: LearningView });
export type LearningAnswer = z.infer<typeof LearningAnswer>;

export const LearningExportQuery = z.object({ kind: LearningFileKind });
export type LearningExportQuery = z.infer<typeof LearningExportQuery>;

export const LearningImportBody = z.object({
  kind: LearningFileKind,
  content: z.string().min(1).max(5_000_000),
  onConflict: z.enum(["skip", "replace"]).optional(),
});
export type LearningImportBody = z.infer<typeof LearningImportBody>;

export const LearningImportResult = z.object({ created: z.array(z.string()), updated: z.array(z.string()), skipped: z.array(z.string()) });
export type LearningImportResult = z.infer<typeof LearningImportResult>;

/** `POST /api/learnings`: an LRN entry's heading is its category, an OPS or FEAT entry's is a name. */
export const NewLearningBody = z.object({
  type: LearningType,
  heading: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .regex(/^[^\r\n\]]+$/, "one line without ']'")
    .describe(`an LRN entry's category (${LEARNING_CATEGORIES.join(", ")}); a short name for OPS and FEAT`),
  priority: Priority,
  area: LearningArea,
  summary: z.string().trim().min(1).max(2000),
  details: Text(20_000).optional(),
});
export type NewLearningBody = z.infer<typeof NewLearningBody>;

/** A change to a learning, against the version that was read. */
export const LearningPatchBody = z
  .object({
    version: Version,
    status: LearningStatus.optional(),
    priority: Priority.optional(),
    area: LearningArea.optional(),
    summary: z.string().trim().min(1).max(2000).optional(),
    details: Text(20_000).optional(),
    suggestedAction: Text(20_000).optional(),
  })
  .strict();
export type LearningPatchBody = z.infer<typeof LearningPatchBody>;

export const PromoteLearningBody = z.object({ to: PromotionTarget, title: z.string().trim().max(200).optional(), notes: Text(5000).optional() });
export type PromoteLearningBody = z.infer<typeof PromoteLearningBody>;

export const PromotionAnswer = z.object({ promotion: PromotionView });
export type PromotionAnswer = z.infer<typeof PromotionAnswer>;

export const PromoteLearningAnswer = z.object({ learning: LearningView, promotion: PromotionView });
export type PromoteLearningAnswer = z.infer<typeof PromoteLearningAnswer>;

export const PromotionListQuery = z.object({
  kind: PromotionKind.optional(),
  done: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type PromotionListQuery = z.infer<typeof PromotionListQuery>;

export const PromotionList = z.object({ promotions: z.array(PromotionView) });
export type PromotionList = z.infer<typeof PromotionList>;

export const PromotionDoneBody = z.object({ done: z.boolean() }).strict();
export type PromotionDoneBody = z.infer<typeof PromotionDoneBody>;
