import type { LearningSummary, LearningView } from "@ops/contract";

export function learning(id: string, patch: Partial<LearningSummary> = {}): LearningSummary {
  return {
    id,
    type: "OPS",
    heading: `Heading of ${id}`,
    title: null,
    priority: "high",
    status: "pending",
    area: "infra",
    category: null,
    severity: null,
    summary: "Disk filled up",
    patternKey: null,
    recurrenceCount: 1,
    firstSeen: null,
    lastSeen: null,
    seeAlso: [],
    loggedAt: "2026-11-23T14:00:00.000Z",
    source: "import",
    promotedTo: null,
    incidentIds: [],
    version: 1,
    updatedAt: "2026-11-23T14:00:00.000Z",
    ...patch,
  };
}

export function detail(id: string, patch: Partial<LearningView> = {}): LearningView {
  return { ...learning(id), sections: [], fields: [], metadata: [], evidence: null, markdown: "", ...patch };
}
