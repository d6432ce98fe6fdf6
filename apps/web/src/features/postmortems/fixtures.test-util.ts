import type { PostmortemSummary, PostmortemView } from "@ops/contract";

export function postmortem(patch: Partial<PostmortemView> = {}): PostmortemView {
  return {
    id: 4,
    opsId: "OPS-20261123-001",
    incidentId: 12,
    incidentKey: "INC-12",
    learningId: null,
    title: "Steward down after a bad config push",
    status: "draft",
    summary: "Steward crashed on start.",
    timeline: [
      { at: "2026-11-23T14:03:00.000Z", event: "Steward went down" },
      { at: "2026-11-23T14:45:12.000Z", event: "Config rolled back" },
    ],
    usersAffected: "all steward users",
    impact: { usersAffected: "all steward users", durationMinutes: 42, errorBudgetPercent: null, sloTarget: 99.9, budgetMinutes: 43.2, severity: "P2" },
    rootCause: "A config key was renamed.",
    mitigation: "Rolled back.",
    prevention: "Validate config in CI.",
    actionItems: [{ id: "a1", text: "Add a config check", owner: "ada", due: "2026-12-01", done: false }],
    metadata: { trigger: "alert", environment: "production", servicesAffected: ["steward"], relatedIncidents: [], doraImpact: ["mttr"] },
    version: 3,
    createdBy: "Ada",
    updatedBy: "Ada",
    createdAt: "2026-11-23T15:00:00.000Z",
    updatedAt: "2026-11-23T16:00:00.000Z",
    publishedAt: null,
    publishedBy: null,
    ...patch,
  };
}

export function summary(id: number, patch: Partial<PostmortemSummary> = {}): PostmortemSummary {
  return {
    id,
    opsId: `OPS-20261123-00${id}`,
    incidentId: id * 10,
    incidentKey: `INC-${id * 10}`,
    title: `Postmortem ${id}`,
    status: "draft",
    version: 1,
    updatedBy: "Ada",
    updatedAt: "2026-11-23T16:00:00.000Z",
    publishedAt: null,
    ...patch,
  };
}
