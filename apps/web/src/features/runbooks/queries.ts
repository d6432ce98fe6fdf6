import type {
  ContinueRunBody,
  RunbookResponse,
  RunbooksResponse,
  RunbookView,
  RunPlanResponse,
  RunResponse,
  RunsResponse,
  RunSummary,
  RunView,
  StartRunBody,
  StepView,
} from "@ops/contract";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { useLiveState } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import { isFinished, mergeRunDetail, nextBefore, PAGE_SIZE, runFromFrame, runsQuery, toSummary, upsertRun, upsertRunPages } from "./runbooks.ts";
import type { RunFilter, RunPage } from "./runbooks.ts";

/** A plain (not paged) list, e.g. an incident's runs. */
export type RecentRunFilter = RunFilter & { limit: number };

export const runbookKeys = {
  all: ["runbooks"] as const,
  list: ["runbooks", "list"] as const,
  detail: (id: string) => ["runbooks", "detail", id] as const,
} as const;

export const runKeys = {
  all: ["runs"] as const,
  pages: ["runs", "pages"] as const,
  paged: (filter: RunFilter) => ["runs", "pages", filter] as const,
  recentAll: ["runs", "recent"] as const,
  recent: (filter: RecentRunFilter) => ["runs", "recent", filter] as const,
  detail: (id: number) => ["runs", "detail", id] as const,
} as const;

/** While a run is not finished its page polls this often, besides the live frames. */
export const RUN_POLL_MS = 5_000;

const enc = encodeURIComponent;

async function fetchRunbooks(signal?: AbortSignal): Promise<RunbookView[]> {
  return (await apiGet<RunbooksResponse>("/api/runbooks", { signal })).runbooks;
}

async function fetchRunbook(id: string, signal?: AbortSignal): Promise<RunbookView> {
  return (await apiGet<RunbookResponse>(`/api/runbooks/${enc(id)}`, { signal })).runbook;
}

async function fetchRuns(filter: RunFilter, before: number | undefined, limit: number, signal?: AbortSignal): Promise<RunSummary[]> {
  return (await apiGet<RunsResponse>(`/api/runs?${runsQuery(filter, before, limit)}`, { signal })).runs;
}

async function fetchRun(id: number, signal?: AbortSignal): Promise<RunView> {
  return (await apiGet<RunResponse>(`/api/runs/${enc(String(id))}`, { signal })).run;
}

// Pushed frames keep the lists current while the socket is live; polling covers the gaps when it is not.
function useRefresh(): number {
  return useLiveState().status === "live" ? 60_000 : 15_000;
}

export function useRunbooks(opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: runbookKeys.list,
    queryFn: ({ signal }) => fetchRunbooks(signal),
    enabled: opts.enabled ?? true,
    staleTime: 60_000,
  });
}

export function useRunbook(id: string) {
  const qc = useQueryClient();
  return useQuery<RunbookView, Error, RunbookView, ReturnType<typeof runbookKeys.detail>>({
    queryKey: runbookKeys.detail(id),
    queryFn: ({ signal }) => fetchRunbook(id, signal),
    placeholderData: () => qc.getQueryData<RunbookView[]>(runbookKeys.list)?.find((r) => r.id === id),
    staleTime: 60_000,
  });
}

export function useRunPages(filter: RunFilter) {
  const refetchInterval = useRefresh();
  return useInfiniteQuery({
    queryKey: runKeys.paged(filter),
    queryFn: async ({ pageParam, signal }): Promise<RunPage> => {
      const runs = await fetchRuns(filter, pageParam, PAGE_SIZE, signal);
      return { runs, next: nextBefore(runs, PAGE_SIZE) };
    },
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next,
    refetchInterval,
  });
}

export function useRecentRuns(filter: RecentRunFilter, opts: { enabled?: boolean } = {}) {
  const refetchInterval = useRefresh();
  return useQuery({
    queryKey: runKeys.recent(filter),
    queryFn: ({ signal }) => fetchRuns(filter, undefined, filter.limit, signal),
    enabled: opts.enabled ?? true,
    refetchInterval,
  });
}

/** One run with its steps; polls every 5 s until it is finished, whether or not frames arrive. */
export function useRun(id: number) {
  return useQuery({
    queryKey: runKeys.detail(id),
    queryFn: ({ signal }) => fetchRun(id, signal),
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data.status) ? false : RUN_POLL_MS),
  });
}

/** Puts a changed run summary into every cached list. */
function syncRunLists(qc: QueryClient, run: RunSummary): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: runKeys.pages })) {
    const filter = (q.queryKey[2] ?? {}) as RunFilter;
    qc.setQueryData<InfiniteData<RunPage, number | undefined>>(q.queryKey, (data) =>
      data ? { ...data, pages: upsertRunPages(data.pages, run, filter) } : data,
    );
  }
  for (const q of qc.getQueryCache().findAll({ queryKey: runKeys.recentAll })) {
    const filter = q.queryKey[2] as RecentRunFilter;
    qc.setQueryData<RunSummary[]>(q.queryKey, (list) => upsertRun(list, run, filter, filter.limit));
  }
}

/** A full run from an answer: the detail is replaced and the lists updated. */
export function syncRun(qc: QueryClient, run: RunView): void {
  qc.setQueryData<RunView>(runKeys.detail(run.id), run);
  syncRunLists(qc, toSummary(run));
}

/** A `run.updated` frame: lists get the summary; the detail merges it and the step, or is refetched if not cached. */
export function applyRunUpdate(qc: QueryClient, run: RunSummary, step: StepView | null): void {
  syncRunLists(qc, run);
  const key = runKeys.detail(run.id);
  if (qc.getQueryData<RunView>(key)) {
    qc.setQueryData<RunView>(key, (cur) => (cur ? mergeRunDetail(cur, run, step) : cur));
    // A fetch in flight may answer with a state older than this frame and overwrite it: start it again.
    if (qc.isFetching({ queryKey: key }) > 0) void qc.refetchQueries({ queryKey: key }, { cancelRefetch: true });
  } else {
    void qc.invalidateQueries({ queryKey: key });
  }
}

/** Live frames: `run.updated` updates the caches; a snapshot (a reconnect) means frames may have been missed. */
export function createRunSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (raw.type === "snapshot") {
      void qc.invalidateQueries({ queryKey: runKeys.all });
      return;
    }
    const f = runFromFrame(raw);
    if (f) applyRunUpdate(qc, f.run, f.step);
  };
}

/** The dry run: what would happen with these parameters. Nothing runs. */
export function usePlanPreview() {
  return useMutation({
    mutationFn: async (body: Omit<StartRunBody, "dryRun">): Promise<RunPlanResponse> =>
      apiSend<RunPlanResponse>("POST", "/api/runs", { ...body, dryRun: true }),
  });
}

export function useStartRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: Omit<StartRunBody, "dryRun">): Promise<RunView> => (await apiSend<RunResponse>("POST", "/api/runs", body)).run,
    onSuccess: (run) => syncRun(qc, run),
  });
}

export function useCancelRun(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<RunView> => (await apiSend<RunResponse>("POST", `/api/runs/${enc(String(id))}/cancel`, {})).run,
    onSuccess: (run) => syncRun(qc, run),
  });
}

export function useContinueRun(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: ContinueRunBody): Promise<RunView> => (await apiSend<RunResponse>("POST", `/api/runs/${enc(String(id))}/continue`, v)).run,
    onSuccess: (run) => syncRun(qc, run),
  });
}
