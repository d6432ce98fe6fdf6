import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { doctorKeys } from "../../lib/query-keys.ts";
import type { AlertView, CaseBody, CasePatch, CaseResponse, CasesResponse, CaseView, DiagnosesResponse, DiagnosisView } from "@ops/contract";

export const caseKeys = { all: ["cases"] as const } as const;

const enc = encodeURIComponent;
const REFRESH_MS = 30_000;

export async function fetchDiagnoses(target: string, signal?: AbortSignal): Promise<DiagnosisView[]> {
  return (await apiGet<DiagnosesResponse>(`/api/diagnoses?target=${enc(target)}&limit=20`, { signal })).diagnoses;
}

export async function fetchAlerts(target: string, signal?: AbortSignal): Promise<AlertView[]> {
  const body = await apiGet<{ alerts: AlertView[] }>(`/api/alerts?target=${enc(target)}&limit=20`, { signal });
  return body.alerts;
}

export async function fetchCases(signal?: AbortSignal): Promise<CaseView[]> {
  return (await apiGet<CasesResponse>("/api/cases", { signal })).cases;
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
    mutationFn: async (id: AlertView["id"]) => (await apiSend<{ alert: AlertView }>("POST", `/api/alerts/${enc(String(id))}/retry`)).alert,
    onSuccess: (alert) => {
      qc.setQueryData<AlertView[]>(doctorKeys.alerts(target), (list) => list?.map((a) => (a.id === alert.id ? alert : a)));
      void qc.invalidateQueries({ queryKey: doctorKeys.alerts(target) });
    },
  });
}

function storeCase(qc: QueryClient, c: CaseView): void {
  qc.setQueryData<CaseView[]>(caseKeys.all, (list) => {
    if (!list) return list;
    return list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c];
  });
  void qc.invalidateQueries({ queryKey: caseKeys.all });
}

export function useCreateCase() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CaseBody) => (await apiSend<CaseResponse>("POST", "/api/cases", input)).case,
    onSuccess: (c) => storeCase(qc, c),
  });
}

export function useUpdateCase() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, patch }: { id: string; patch: CasePatch }) => (await apiSend<CaseResponse>("PATCH", `/api/cases/${enc(id)}`, patch)).case,
    onSuccess: (c) => storeCase(qc, c),
  });
}
