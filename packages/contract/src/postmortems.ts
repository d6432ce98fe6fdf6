/** Postmortems (`/api/postmortems`). */

export type PostmortemStatus = "draft" | "in_review" | "published";
/** An incident's severity. */
export type IncidentSeverity = "P1" | "P2" | "P3" | "P4";

export type TimelineRow = { at: string; event: string };
export type ActionItem = { id: string; text: string; owner: string; due: string | null; done: boolean };

export type Impact = {
  usersAffected: string;
  durationMinutes: number | null;
  errorBudgetPercent: number | null;
  sloTarget: number;
  budgetMinutes: number;
  severity: IncidentSeverity | null;
};

export type PostmortemMetadata = {
  trigger: string;
  environment: string;
  servicesAffected: string[];
  relatedIncidents: string[];
  doraImpact: string[];
};

export type PostmortemView = {
  id: number;
  opsId: string;
  incidentId: number | null;
  incidentKey: string | null;
  learningId: string | null;
  title: string;
  status: PostmortemStatus;
  summary: string;
  timeline: TimelineRow[];
  /** As written; `impact.usersAffected` carries the same text next to the computed figures. */
  usersAffected: string;
  impact: Impact;
  rootCause: string;
  mitigation: string;
  prevention: string;
  actionItems: ActionItem[];
  metadata: PostmortemMetadata;
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
};

export type PostmortemSummary = Pick<
  PostmortemView,
  "id" | "opsId" | "incidentId" | "incidentKey" | "title" | "status" | "version" | "updatedBy" | "updatedAt" | "publishedAt"
>;
