/** Learnings, recurring patterns and promotions (`/api/learnings`, `/api/patterns`, `/api/promotions`). */

export type LearningType = "LRN" | "OPS" | "FEAT";
export type LearningStatus = "pending" | "in_progress" | "resolved" | "wont_fix" | "promoted" | "promoted_to_skill";
export type Priority = "low" | "medium" | "high" | "critical";
/** An LRN entry's heading; the values are declared once in packages/domain (learnings-markdown.ts). */
export type LearningCategory = "process_bottleneck" | "incident_pattern" | "capacity_issue" | "automation_gap" | "sla_breach" | "toil_accumulation";
export type LearningArea = "incident_management" | "change_management" | "capacity_planning" | "automation" | "monitoring" | "runbooks" | "on_call";
export type PromotionKind = "runbook-draft" | "postmortem" | "automation" | "capacity" | "handoff" | "slo";

export type KeyValue = { key: string; value: string };

export type LearningSummary = {
  id: string;
  type: LearningType;
  heading: string;
  priority: Priority;
  status: LearningStatus;
  area: string;
  category: string | null;
  severity: string | null;
  summary: string;
  patternKey: string | null;
  recurrenceCount: number;
  firstSeen: string | null;
  lastSeen: string | null;
  seeAlso: string[];
  loggedAt: string;
  source: string;
  promotedTo: { kind: string; id: number; title: string } | null;
  incidentIds: number[];
  version: number;
  updatedAt: string;
};

export type LearningView = LearningSummary & {
  sections: { title: string; body: string }[];
  fields: KeyValue[];
  metadata: KeyValue[];
  evidence: unknown;
  markdown: string;
};

export type PatternView = {
  patternKey: string;
  learningId: string;
  heading: string;
  type: LearningType;
  recurrenceCount: number;
  firstSeen: string | null;
  lastSeen: string | null;
  priority: Priority;
  status: LearningStatus;
};

export type PromotionView = {
  id: number;
  kind: PromotionKind;
  learningId: string;
  title: string;
  body: string;
  payload: unknown;
  done: boolean;
  createdBy: string;
  createdAt: string;
  postmortemId: number | null;
};
