import type { ProposalSummary } from "@ops/contract";
import type { Proposal } from "./governance.ts";

export const NOW = Date.parse("2026-11-23T14:00:00.000Z");
export const at = (ms: number) => new Date(NOW + ms).toISOString();

export function summary(id: number, patch: Partial<ProposalSummary> = {}): ProposalSummary {
  return {
    id,
    title: `Proposal ${id}`,
    category: "operational",
    threshold: "simple",
    requires: [],
    status: "open",
    outcome: null,
    outcomeReason: null,
    author: "ada@x.local",
    openedAt: at(-60_000),
    deadline: at(240_000 + id),
    closedAt: null,
    tally: { yes: 1, no: 0, abstain: 0, eligible: 5 },
    yesNeeded: 3,
    change: { kind: "monitoring-threshold", metric: "memoryPercent", level: "warning", value: 5 },
    applyStatus: null,
    applyReason: null,
    reviewsDone: [],
    ...patch,
  };
}

export function proposal(id: number, patch: Partial<Proposal> = {}): Proposal {
  return {
    ...summary(id),
    description: "Lower the **memory** warning.",
    eligible: ["alpha", "beta", "charlie", "ada@x.local", "grace@x.local"],
    voted: ["alpha"],
    ballots: [{ member: "alpha", choice: "yes", castAt: at(-30_000), changes: 0 }],
    ballotsVisible: true,
    reviews: [],
    participationQuorum: 0,
    appliedAt: null,
    me: { member: "ada@x.local", eligible: true, ballot: null, duties: [] },
    serverTime: at(0),
    clockOffsetMs: 0,
    ...patch,
  };
}
