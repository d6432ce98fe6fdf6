import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, QueryClient, QueryKey } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import type { ServerFrame } from "@ops/contract";
import type {
  LearningAnswer,
  LearningFileKind,
  LearningImportBody,
  LearningImportResult,
  LearningList,
  LearningPatchBody,
  LearningSummary,
  LearningView,
  NewLearningBody,
  PatternList,
  PatternView,
  PromoteLearningAnswer,
  PromoteLearningBody,
  PromotionAnswer,
  PromotionKind,
  PromotionList,
  PromotionView,
} from "@ops/contract";
import { learningFromFrame, learningsQuery, nextBefore, PAGE_SIZE, upsertLearning } from "./learnings.ts";
import type { LearningFilter, LearningPage } from "./learnings.ts";
import { handoffKey, postmortemsKey } from "../../lib/query-keys.ts";
import { useRefresh } from "../../lib/ws.ts";

export type LearningListFilter = LearningFilter & { limit: number };

export const learningKeys = {
  all: ["learnings"] as const,
  pages: ["learnings", "pages"] as const,
  paged: (filter: LearningFilter) => ["learnings", "pages", filter] as const,
  lists: ["learnings", "list"] as const,
  list: (filter: LearningListFilter) => ["learnings", "list", filter] as const,
  patterns: ["learnings", "patterns"] as const,
  detail: (id: string) => ["learnings", "detail", id] as const,
} as const;

export const promotionKeys = {
  all: ["promotions"] as const,
  lists: ["promotions", "list"] as const,
  list: (kind: PromotionKind | null) => ["promotions", "list", kind] as const,
  detail: (id: number) => ["promotions", "detail", id] as const,
} as const;

const enc = (v: string | number) => encodeURIComponent(String(v));

async function fetchLearnings(filter: LearningFilter, before: string | undefined, limit: number, signal?: AbortSignal): Promise<LearningSummary[]> {
  return (await apiGet<LearningList>(`/api/learnings?${learningsQuery(filter, before, limit)}`, { signal })).learnings;
}

export function useLearningPages(filter: LearningFilter) {
  const refetchInterval = useRefresh();
  return useInfiniteQuery({
    queryKey: learningKeys.paged(filter),
    queryFn: async ({ pageParam, signal }): Promise<LearningPage> => {
      const learnings = await fetchLearnings(filter, pageParam, PAGE_SIZE, signal);
      return { learnings, next: nextBefore(learnings, PAGE_SIZE) };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next,
    refetchInterval,
  });
}

/** A plain list, e.g. an incident's learnings. */
export function useLearnings(filter: LearningFilter, limit = PAGE_SIZE) {
  const refetchInterval = useRefresh();
  const key: LearningListFilter = { ...filter, limit };
  return useQuery({
    queryKey: learningKeys.list(key),
    queryFn: ({ signal }) => fetchLearnings(filter, undefined, limit, signal),
    refetchInterval,
  });
}

export function usePatterns() {
  const refetchInterval = useRefresh();
  return useQuery({
    queryKey: learningKeys.patterns,
    queryFn: async ({ signal }): Promise<PatternView[]> => (await apiGet<PatternList>("/api/learnings/patterns", { signal })).patterns,
    refetchInterval,
  });
}

export function useLearning(id: string) {
  return useQuery({
    queryKey: learningKeys.detail(id),
    queryFn: async ({ signal }): Promise<LearningView> => (await apiGet<LearningAnswer>(`/api/learnings/${enc(id)}`, { signal })).learning,
  });
}

function setOrRefetch<T>(qc: QueryClient, key: QueryKey, next: T | null): void {
  if (next === null) void qc.invalidateQueries({ queryKey: key, exact: true });
  else qc.setQueryData<T>(key, next);
}

/** Puts a changed learning into every cached list; lists it may newly belong to are fetched again. */
function syncLearningLists(qc: QueryClient, l: LearningSummary): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: learningKeys.lists })) {
    const list = q.state.data as LearningSummary[] | undefined;
    if (list) setOrRefetch(qc, q.queryKey, upsertLearning(list, l, q.queryKey[2] as LearningListFilter));
  }
  for (const q of qc.getQueryCache().findAll({ queryKey: learningKeys.pages })) {
    const data = q.state.data as InfiniteData<LearningPage, string | undefined> | undefined;
    if (!data) continue;
    const filter = q.queryKey[2] as LearningFilter;
    const found = data.pages.findIndex((p) => p.learnings.some((x) => x.id === l.id));
    const pages =
      found === -1 ? null : data.pages.map((p, n) => (n === found ? { ...p, learnings: upsertLearning(p.learnings, l, filter) ?? p.learnings } : p));
    if (pages) qc.setQueryData(q.queryKey, { ...data, pages });
    else if (upsertLearning([], l, filter) === null) void qc.invalidateQueries({ queryKey: q.queryKey, exact: true });
  }
}

/** A full learning from an answer: the detail is replaced and the lists updated. */
export function syncLearning(qc: QueryClient, l: LearningView): void {
  qc.setQueryData<LearningView>(learningKeys.detail(l.id), l);
  syncLearningLists(qc, l);
  void qc.invalidateQueries({ queryKey: learningKeys.patterns });
}

/** Live frames: `learning.updated` updates the lists and refetches an older detail; a snapshot refetches everything. */
export function createLearningSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    if (raw.type === "snapshot") {
      void qc.invalidateQueries({ queryKey: learningKeys.all });
      void qc.invalidateQueries({ queryKey: promotionKeys.all });
      return;
    }
    const l = learningFromFrame(raw);
    if (!l) return;
    syncLearningLists(qc, l);
    void qc.invalidateQueries({ queryKey: learningKeys.patterns });
    const cur = qc.getQueryData<LearningView>(learningKeys.detail(l.id));
    if (cur && cur.version < l.version) void qc.invalidateQueries({ queryKey: learningKeys.detail(l.id) });
  };
}

export function useCreateLearning() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewLearningBody) => (await apiSend<LearningAnswer>("POST", "/api/learnings", body)).learning,
    onSuccess: (l) => {
      syncLearning(qc, l);
      void qc.invalidateQueries({ queryKey: learningKeys.pages });
    },
  });
}

export function useUpdateLearning(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: LearningPatchBody) => (await apiSend<LearningAnswer>("PATCH", `/api/learnings/${enc(id)}`, v)).learning,
    onSuccess: (l) => syncLearning(qc, l),
  });
}

export function usePromoteLearning(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: PromoteLearningBody) => apiSend<PromoteLearningAnswer>("POST", `/api/learnings/${enc(id)}/promote`, v),
    onSuccess: ({ learning, promotion }) => {
      syncLearning(qc, learning);
      qc.setQueryData(promotionKeys.detail(promotion.id), promotion);
      void qc.invalidateQueries({ queryKey: promotionKeys.all });
      void qc.invalidateQueries({ queryKey: handoffKey });
      if (promotion.postmortemId != null) void qc.invalidateQueries({ queryKey: postmortemsKey });
    },
  });
}

export function useImportLearnings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: LearningImportBody): Promise<LearningImportResult> => apiSend<LearningImportResult>("POST", "/api/learnings/import", v),
    onSuccess: () => void qc.invalidateQueries({ queryKey: learningKeys.all }),
  });
}

export function learningsExportHref(kind: LearningFileKind): string {
  return `/api/learnings/export?kind=${enc(kind)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Promotions

export function usePromotions(kind: PromotionKind | null) {
  return useQuery({
    queryKey: promotionKeys.list(kind),
    queryFn: async ({ signal }): Promise<PromotionView[]> =>
      (await apiGet<PromotionList>(`/api/promotions${kind ? `?kind=${enc(kind)}` : ""}`, { signal })).promotions,
  });
}

export function usePromotion(id: number) {
  return useQuery({
    queryKey: promotionKeys.detail(id),
    queryFn: async ({ signal }): Promise<PromotionView> => (await apiGet<PromotionAnswer>(`/api/promotions/${enc(id)}`, { signal })).promotion,
  });
}

export function useSetPromotionDone() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id: number; done: boolean }) =>
      (await apiSend<PromotionAnswer>("PATCH", `/api/promotions/${enc(v.id)}`, { done: v.done })).promotion,
    onSuccess: (p) => {
      qc.setQueryData(promotionKeys.detail(p.id), p);
      for (const q of qc.getQueryCache().findAll({ queryKey: promotionKeys.lists })) {
        qc.setQueryData<PromotionView[]>(q.queryKey, (list) => list?.map((x) => (x.id === p.id ? p : x)));
      }
      // The handoff page ticks its own checklist at once (PromotionDone's onDone); elsewhere it is refetched.
      void qc.invalidateQueries({ queryKey: handoffKey });
    },
  });
}
