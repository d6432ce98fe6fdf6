import { useQuery } from "@tanstack/react-query";
import type { DeliveryReportView, DeploymentList, ProposalList } from "@ops/contract";
import { apiGet } from "../../lib/api.ts";

export const deliveryKeys = {
  all: ["delivery"] as const,
  report: ["delivery", "report"] as const,
  changes: ["delivery", "deployments"] as const,
  governance: ["delivery", "governance"] as const,
} as const;

// Changes come from CI, probes and governance at any time; the page polls (the numbers move by the day, not the second).
const POLL_MS = 60_000;

export function useDeliveryReport() {
  return useQuery({
    queryKey: deliveryKeys.report,
    queryFn: ({ signal }) => apiGet<DeliveryReportView>("/api/delivery", { signal }),
    refetchInterval: POLL_MS,
  });
}

export function useRecentChanges() {
  return useQuery({
    queryKey: deliveryKeys.changes,
    queryFn: async ({ signal }) => (await apiGet<DeploymentList>("/api/deployments?limit=50", { signal })).deployments,
    refetchInterval: POLL_MS,
  });
}

/** Closed proposals: the applied ones are governance changes. */
export function useGovernanceChanges() {
  return useQuery({
    queryKey: deliveryKeys.governance,
    queryFn: async ({ signal }) => (await apiGet<ProposalList>("/api/proposals?status=closed&limit=50", { signal })).proposals,
    refetchInterval: POLL_MS,
  });
}
