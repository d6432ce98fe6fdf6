import type { IncidentAnswer, IncidentList, IncidentNoteAnswer } from "@ops/contract";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { useLiveState } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import { appendEntry, incidentFromFrame, incidentsQuery, nextBefore, PAGE_SIZE, upsertIncident, upsertIncidentPages } from "./incidents.ts";
import type { IncidentPage } from "./incidents.ts";
import type { Incident, IncidentDetail, IncidentFilter, NewIncident } from "./types.ts";

/** A plain (not paged) list: the board's open incidents, a target page's last few. */
export type RecentFilter = IncidentFilter & { limit: number };

export const incidentKeys = {
  all: ["incidents"] as const,
  pages: ["incidents", "pages"] as const,
  paged: (filter: IncidentFilter) => ["incidents", "pages", filter] as const,
  recentAll: ["incidents", "recent"] as const,
  recent: (filter: RecentFilter) => ["incidents", "recent", filter] as const,
  detail: (id: number) => ["incidents", "detail", id] as const,
} as const;

export const OPEN_FILTER: RecentFilter = { status: "open", limit: 100 };

const enc = encodeURIComponent;

async function fetchList(filter: IncidentFilter, before: string | undefined, limit: number, signal?: AbortSignal): Promise<Incident[]> {
  return (await apiGet<IncidentList>(`/api/incidents?${incidentsQuery(filter, before, limit)}`, { signal })).incidents;
}

function fetchDetail(id: number, signal?: AbortSignal): Promise<IncidentDetail> {
  return apiGet<IncidentDetail>(`/api/incidents/${enc(String(id))}`, { signal });
}

// Pushed frames keep these current while the socket is live; polling covers the gaps when it is not.
function useRefresh(): number {
  return useLiveState().status === "live" ? 60_000 : 15_000;
}

export function useIncidentPages(filter: IncidentFilter) {
  const refetchInterval = useRefresh();
  return useInfiniteQuery({
    queryKey: incidentKeys.paged(filter),
    queryFn: async ({ pageParam, signal }): Promise<IncidentPage> => {
      const incidents = await fetchList(filter, pageParam, PAGE_SIZE, signal);
      return { incidents, next: nextBefore(incidents, PAGE_SIZE) };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    refetchInterval,
  });
}

export function useRecentIncidents(filter: RecentFilter, opts: { enabled?: boolean } = {}) {
  const refetchInterval = useRefresh();
  return useQuery({
    queryKey: incidentKeys.recent(filter),
    queryFn: ({ signal }) => fetchList(filter, undefined, filter.limit, signal),
    enabled: opts.enabled ?? true,
    refetchInterval,
  });
}

export function useOpenIncidents(opts: { enabled?: boolean } = {}) {
  return useRecentIncidents(OPEN_FILTER, opts);
}

export function useIncident(id: number) {
  const refetchInterval = useRefresh();
  return useQuery({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) => fetchDetail(id, signal),
    refetchInterval,
  });
}

/** Puts a changed incident into every cached list and the detail; `refetchTimeline` when entries were added. */
export function syncIncident(qc: QueryClient, inc: Incident, refetchTimeline: boolean): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: incidentKeys.pages })) {
    const filter = q.queryKey[2] as IncidentFilter;
    qc.setQueryData<InfiniteData<IncidentPage, string | undefined>>(q.queryKey, (data) =>
      data ? { ...data, pages: upsertIncidentPages(data.pages, inc, filter) } : data,
    );
  }
  for (const q of qc.getQueryCache().findAll({ queryKey: incidentKeys.recentAll })) {
    const filter = q.queryKey[2] as RecentFilter;
    qc.setQueryData<Incident[]>(q.queryKey, (list) => upsertIncident(list, inc, filter, filter.limit));
  }
  qc.setQueryData<IncidentDetail>(incidentKeys.detail(inc.id), (cur) => (cur ? { ...cur, incident: inc } : cur));
  if (refetchTimeline) void qc.invalidateQueries({ queryKey: incidentKeys.detail(inc.id) });
}

/** Live frames: `incident.updated` updates the caches; a snapshot (a reconnect) means frames may have been missed. */
export function createIncidentSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (raw.type === "snapshot") {
      void qc.invalidateQueries({ queryKey: incidentKeys.all });
      return;
    }
    const inc = incidentFromFrame(raw);
    if (inc) syncIncident(qc, inc, true);
  };
}

export function useCreateIncident() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewIncident) => (await apiSend<IncidentAnswer>("POST", "/api/incidents", body)).incident,
    onSuccess: (inc) => syncIncident(qc, inc, false),
  });
}

function useIncidentAction<V>(id: number, path: string, toBody: (v: V) => unknown) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: V) => (await apiSend<IncidentAnswer>("POST", `/api/incidents/${enc(String(id))}/${path}`, toBody(v))).incident,
    onSuccess: (inc) => syncIncident(qc, inc, true),
  });
}

export function useAcknowledge(id: number) {
  return useIncidentAction<void>(id, "acknowledge", () => undefined);
}

export function useResolve(id: number) {
  return useIncidentAction<string>(id, "resolve", (summary) => (summary.trim() ? { summary: summary.trim() } : {}));
}

export function useAddNote(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (message: string) => (await apiSend<IncidentNoteAnswer>("POST", `/api/incidents/${enc(String(id))}/notes`, { message })).entry,
    onSuccess: (entry) => {
      qc.setQueryData<IncidentDetail>(incidentKeys.detail(id), (cur) => (cur ? { ...cur, timeline: appendEntry(cur.timeline, entry) } : cur));
    },
  });
}
