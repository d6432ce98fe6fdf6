import { IncidentStatusFilter } from "@ops/contract";

// The API's shapes are the contract's; `Incident` is the contract's IncidentView under the dashboard's name.
export type { IncidentDetail, IncidentStatus, IncidentView as Incident, OpenIncidentBody as NewIncident, Severity, TimelineEntry } from "@ops/contract";
export type StatusFilter = IncidentStatusFilter;

/** The kinds this build has a label and an icon for; the timeline shows any other kind plainly. */
export const TIMELINE_KINDS = ["opened", "status", "restart", "escalated", "alert", "note", "acknowledged", "resolved", "reopened"] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** A list's filter as the page holds it (and puts it in the address). */
export type IncidentFilter = { status: StatusFilter; target?: string };

export function isStatusFilter(v: unknown): v is StatusFilter {
  return IncidentStatusFilter.safeParse(v).success;
}
