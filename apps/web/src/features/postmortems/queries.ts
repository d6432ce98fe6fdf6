import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { postmortemsKey } from "../../lib/query-keys.ts";
import { useRefresh } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import type { PostmortemAnswer, PostmortemList, PostmortemStatus, PostmortemSummary, PostmortemView } from "@ops/contract";
import { PAGE_SIZE, postmortemFromFrame, postmortemsQuery, upsertPostmortem } from "./postmortems.ts";
import type { PostmortemFilter, PostmortemPatch } from "./postmortems.ts";

export type PostmortemListFilter = PostmortemFilter & { limit: number };

export const postmortemKeys = {
  all: postmortemsKey,
  lists: ["postmortems", "list"] as const,
  list: (filter: PostmortemListFilter) => ["postmortems", "list", filter] as const,
  detail: (id: number) => ["postmortems", "detail", id] as const,
} as const;

const enc = (id: number) => encodeURIComponent(String(id));

export async function fetchPostmortems(filter: PostmortemFilter, limit = PAGE_SIZE, signal?: AbortSignal): Promise<PostmortemSummary[]> {
  return (await apiGet<PostmortemList>(`/api/postmortems?${postmortemsQuery(filter, limit)}`, { signal })).postmortems;
}

async function fetchPostmortem(id: number, signal?: AbortSignal): Promise<PostmortemView> {
  return (await apiGet<PostmortemAnswer>(`/api/postmortems/${enc(id)}`, { signal })).postmortem;
}

export function usePostmortems(filter: PostmortemFilter, opts: { limit?: number; enabled?: boolean } = {}) {
  const refetchInterval = useRefresh();
  const key: PostmortemListFilter = { ...filter, limit: opts.limit ?? PAGE_SIZE };
  return useQuery({
    queryKey: postmortemKeys.list(key),
    queryFn: ({ signal }) => fetchPostmortems(filter, key.limit, signal),
    enabled: opts.enabled ?? true,
    refetchInterval,
  });
}

export function usePostmortem(id: number) {
  return useQuery({
    queryKey: postmortemKeys.detail(id),
    // The editor keeps its own copy: a refetch only tells it that a newer version exists.
    queryFn: ({ signal }) => fetchPostmortem(id, signal),
  });
}

/** Puts a changed summary into every cached list. */
function syncLists(qc: QueryClient, pm: PostmortemSummary): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: postmortemKeys.lists })) {
    const filter = q.queryKey[2] as PostmortemListFilter;
    qc.setQueryData<PostmortemSummary[]>(q.queryKey, (list) => (list ? upsertPostmortem(list, pm, filter, filter.limit) : list));
  }
}

/** A full postmortem from an answer: the detail is replaced and the lists updated. */
export function syncPostmortem(qc: QueryClient, pm: PostmortemView): void {
  qc.setQueryData<PostmortemView>(postmortemKeys.detail(pm.id), (cur) => (cur && cur.version > pm.version ? cur : pm));
  syncLists(qc, pm);
}

/**
 * Live frames: `postmortem.updated` updates the lists; a cached detail older than the frame is fetched
 * again (the frame has no text to merge). A snapshot (a reconnect) means frames may have been missed.
 */
export function createPostmortemSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (raw.type === "snapshot") {
      void qc.invalidateQueries({ queryKey: postmortemKeys.all });
      return;
    }
    const pm = postmortemFromFrame(raw);
    if (!pm) return;
    syncLists(qc, pm);
    const cur = qc.getQueryData<PostmortemView>(postmortemKeys.detail(pm.id));
    if (!cur || cur.version < pm.version) void qc.invalidateQueries({ queryKey: postmortemKeys.detail(pm.id) });
  };
}

/** Latest version of one postmortem straight from the API (for reload and overwrite after a conflict). */
export function useFetchLatest(id: number) {
  const qc = useQueryClient();
  return () => qc.fetchQuery({ queryKey: postmortemKeys.detail(id), queryFn: ({ signal }) => fetchPostmortem(id, signal), staleTime: 0 });
}

export function useCreatePostmortem() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (incidentId: number) => (await apiSend<PostmortemAnswer>("POST", "/api/postmortems", { incidentId })).postmortem,
    onSuccess: (pm) => syncPostmortem(qc, pm),
  });
}

export function useSavePostmortem(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { version: number; patch: PostmortemPatch }) =>
      (await apiSend<PostmortemAnswer>("PATCH", `/api/postmortems/${enc(id)}`, { version: v.version, ...v.patch })).postmortem,
    onSuccess: (pm) => syncPostmortem(qc, pm),
  });
}

export function useTransitionPostmortem(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { to: PostmortemStatus; version: number }) =>
      (await apiSend<PostmortemAnswer>("POST", `/api/postmortems/${enc(id)}/transition`, v)).postmortem,
    onSuccess: (pm) => syncPostmortem(qc, pm),
  });
}

export function exportHref(id: number): string {
  return `/api/postmortems/${enc(id)}/export`;
}
