import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import type { AlertList, SloBody, SloDefinition, SloList, SloPatch, SloView, ServerFrame } from "@ops/contract";
import { apiGet, apiSend } from "../../lib/api.ts";

export const sloKeys = {
  all: ["slos"] as const,
  list: ["slos", "list"] as const,
  detail: (id: number) => ["slos", "detail", id] as const,
  alerts: (subject: string) => ["slos", "alerts", subject] as const,
} as const;

/** The worker evaluates every minute and says so (`slo.updated`); the poll only covers a lost frame. */
const FALLBACK_POLL_MS = 120_000;

export function useSlos(opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: sloKeys.list,
    queryFn: async ({ signal }) => (await apiGet<SloList>("/api/slos", { signal })).slos,
    enabled: opts.enabled ?? true,
    refetchInterval: FALLBACK_POLL_MS,
  });
}

export function useSlo(id: number) {
  return useQuery({
    queryKey: sloKeys.detail(id),
    queryFn: ({ signal }) => apiGet<SloView>(`/api/slos/${id}`, { signal }),
    refetchInterval: FALLBACK_POLL_MS,
  });
}

/** The alert outbox's rows filed under the SLO's subject (a longer subject than the filter takes: the latest rows of all). */
export function useSloAlerts(subject: string) {
  const q = subject.length <= 63 ? `target=${encodeURIComponent(subject)}&limit=200` : "limit=500";
  return useQuery({
    queryKey: sloKeys.alerts(subject),
    queryFn: async ({ signal }) => (await apiGet<AlertList>(`/api/alerts?${q}`, { signal })).alerts,
    refetchInterval: FALLBACK_POLL_MS,
  });
}

/** Live frames: every evaluation (`slo.updated`) and a reconnect (a snapshot: frames may have been missed) fetch the SLOs again. */
export function createSloSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (raw.type === "slo.updated" || raw.type === "snapshot") void qc.invalidateQueries({ queryKey: sloKeys.all });
  };
}

type SloAnswer = { slo: SloDefinition };

export function useCreateSlo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: SloBody) => (await apiSend<SloAnswer>("POST", "/api/slos", body)).slo,
    onSuccess: () => void qc.invalidateQueries({ queryKey: sloKeys.all }),
  });
}

/** Any change at the version read, lifting the policy included (a 409 names `version` when someone saved first). */
export function useUpdateSlo(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (patch: SloPatch) => (await apiSend<SloAnswer>("PATCH", `/api/slos/${id}`, patch)).slo,
    onSuccess: () => void qc.invalidateQueries({ queryKey: sloKeys.all }),
  });
}

export function useDeleteSlo(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => apiSend("DELETE", `/api/slos/${id}`),
    onSuccess: () => {
      qc.removeQueries({ queryKey: sloKeys.detail(id) });
      void qc.invalidateQueries({ queryKey: sloKeys.list });
    },
  });
}
