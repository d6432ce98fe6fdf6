import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { doctorKeys } from "../../lib/query-keys.ts";
import type { Alert, Case, CaseInput, Diagnosis } from "./types.ts";

export const caseKeys = { all: ["cases"] as const } as const;

const enc = encodeURIComponent;
const REFRESH_MS = 30_000;

export async function fetchDiagnoses(target: string, signal?: AbortSignal): Promise<Diagnosis[]> {
  const body = await apiGet<{ diagnoses: Diagnosis[] }>(`/api/diagnoses?target=${enc(target)}&limit=20`, { signal });
  return Array.isArray(body.diagnoses) ? body.diagnoses : [];
}

export async function fetchAlerts(target: string, signal?: AbortSignal): Promise<Alert[]> {
  const body = await apiGet<{ alerts: Alert[] }>(`/api/alerts?target=${enc(target)}&limit=20`, { signal });
  return Array.isArray(body.alerts) ? body.alerts : [];
}

export async function fetchCases(signal?: AbortSignal): Promise<Case[]> {
  const body = await apiGet<{ cases: Case[] }>("/api/cases", { signal });
  return Array.isArray(body.cases) ? body.cases.map((c) => ({ ...c, keywords: c.keywords ?? [], actions: c.actions ?? [] })) : [];
}

/** Newest first; live frames refetch it when the target's healing state moves, the interval covers the rest. */
export function useDiagnoses(target: string) {
  return useQuery({
    queryKey: doctorKeys.diagnoses(target),
    queryFn: ({ signal }) => fetchDiagnoses(target, signal),
    refetchInterval: REFRESH_MS,
  });
}

export function useAlerts(target: string) {
  return useQuery({
    queryKey: doctorKeys.alerts(target),
    queryFn: ({ signal }) => fetchAlerts(target, signal),
    refetchInterval: REFRESH_MS,
  });
}

export function useCases() {
  return useQuery({ queryKey: caseKeys.all, queryFn: ({ signal }) => fetchCases(signal), staleTime: 30_000 });
}

export function useRetryAlert(target: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: Alert["id"]) => (await apiSend<{ alert: Alert }>("POST", `/api/alerts/${enc(String(id))}/retry`)).alert,
    onSuccess: (alert) => {
      qc.setQueryData<Alert[]>(doctorKeys.alerts(target), (list) => list?.map((a) => (a.id === alert.id ? alert : a)));
      void qc.invalidateQueries({ queryKey: doctorKeys.alerts(target) });
    },
  });
}

function storeCase(qc: QueryClient, c: Case): void {
  qc.setQueryData<Case[]>(caseKeys.all, (list) => {
    if (!list) return list;
    return list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
  });
  void qc.invalidateQueries({ queryKey: caseKeys.all });
}

export function useCreateCase() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CaseInput) => (await apiSend<{ case: Case }>("POST", "/api/cases", input)).case,
    onSuccess: (c) => storeCase(qc, c),
  });
}

export function useUpdateCase() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, patch }: { id: string; patch: Partial<CaseInput> }) =>
      (await apiSend<{ case: Case }>("PATCH", `/api/cases/${enc(id)}`, patch)).case,
    onSuccess: (c) => storeCase(qc, c),
  });
}
