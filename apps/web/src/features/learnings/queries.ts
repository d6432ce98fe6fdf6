import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InfiniteData, QueryClient, QueryKey } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import type { Frame } from "../../lib/ws.ts";
import { learningFromFrame, learningsQuery, nextBefore, PAGE_SIZE, upsertLearning } from "./learnings.ts";
import type { LearningPage } from "./learnings.ts";
import { hasStringId, normalizeImportResult, normalizeLearning, normalizeLearningSummary, normalizePattern, normalizePromotion } from "./types.ts";
import type {
  ImportKind,
  ImportResult,
  Learning,
  LearningFilter,
  LearningPatch,
  LearningSummary,
  NewLearning,
  Pattern,
  PromoteTarget,
  Promotion,
  PromotionKind,
} from "./types.ts";
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
  const body = await apiGet<{ learnings: unknown[] }>(`/api/learnings?${learningsQuery(filter, before, limit)}`, { signal });
  return (Array.isArray(body.learnings) ? body.learnings : []).filter(hasStringId).map(normalizeLearningSummary);
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
    queryFn: async ({ signal }): Promise<Pattern[]> => {
      const body = await apiGet<{ patterns: unknown[] }>("/api/learnings/patterns", { signal });
      return (Array.isArray(body.patterns) ? body.patterns : []).map(normalizePattern);
    },
    refetchInterval,
  });
}

export function useLearning(id: string) {
  return useQuery({
    queryKey: learningKeys.detail(id),
    queryFn: async ({ signal }): Promise<Learning> => normalizeLearning((await apiGet<{ learning: unknown }>(`/api/learnings/${enc(id)}`, { signal })).learning),
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
    const pages = found === -1 ? null : data.pages.map((p, n) => (n === found ? { ...p, learnings: upsertLearning(p.learnings, l, filter) ?? p.learnings } : p));
    if (pages) qc.setQueryData(q.queryKey, { ...data, pages });
    else if (upsertLearning([], l, filter) === null) void qc.invalidateQueries({ queryKey: q.queryKey, exact: true });
  }
}

/** A full learning from an answer: the detail is replaced and the lists updated. */
export function syncLearning(qc: QueryClient, l: Learning): void {
  qc.setQueryData<Learning>(learningKeys.detail(l.id), l);
  syncLearningLists(qc, l);
  void qc.invalidateQueries({ queryKey: learningKeys.patterns });
}

/** Live frames: `learning.updated` updates the lists and refetches an older detail; a snapshot refetches everything. */
export function createLearningSync(qc: QueryClient): (raw: Frame) => void {
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
    const cur = qc.getQueryData<Learning>(learningKeys.detail(l.id));
    if (cur && cur.version < l.version) void qc.invalidateQueries({ queryKey: learningKeys.detail(l.id) });
  };
}

export function useCreateLearning() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewLearning) => normalizeLearning((await apiSend<{ learning: unknown }>("POST", "/api/learnings", body)).learning),
    onSuccess: (l) => {
      syncLearning(qc, l);
      void qc.invalidateQueries({ queryKey: learningKeys.pages });
    },
  });
}

export function useUpdateLearning(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: LearningPatch & { version: number }) =>
      normalizeLearning((await apiSend<{ learning: unknown }>("PATCH", `/api/learnings/${enc(id)}`, v)).learning),
    onSuccess: (l) => syncLearning(qc, l),
  });
}

export function usePromoteLearning(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { to: PromoteTarget; title?: string; notes?: string }) => {
      const body = await apiSend<{ learning: unknown; promotion: unknown }>("POST", `/api/learnings/${enc(id)}/promote`, v);
      return { learning: normalizeLearning(body.learning), promotion: normalizePromotion(body.promotion) };
    },
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
    mutationFn: async (v: { kind: ImportKind; content: string; onConflict: "skip" | "replace" }): Promise<ImportResult> =>
      normalizeImportResult(await apiSend<unknown>("POST", "/api/learnings/import", v)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: learningKeys.all }),
  });
}

export function learningsExportHref(kind: ImportKind): string {
  return `/api/learnings/export?kind=${enc(kind)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Promotions

export function usePromotions(kind: PromotionKind | null) {
  return useQuery({
    queryKey: promotionKeys.list(kind),
    queryFn: async ({ signal }): Promise<Promotion[]> => {
      const body = await apiGet<{ promotions: unknown[] }>(`/api/promotions${kind ? `?kind=${enc(kind)}` : ""}`, { signal });
      return (Array.isArray(body.promotions) ? body.promotions : []).map(normalizePromotion);
    },
  });
}

export function usePromotion(id: number) {
  return useQuery({
    queryKey: promotionKeys.detail(id),
    queryFn: async ({ signal }): Promise<Promotion> => normalizePromotion((await apiGet<{ promotion: unknown }>(`/api/promotions/${enc(id)}`, { signal })).promotion),
  });
}

export function useSetPromotionDone() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id: number; done: boolean }) =>
      normalizePromotion((await apiSend<{ promotion: unknown }>("PATCH", `/api/promotions/${enc(v.id)}`, { done: v.done })).promotion),
    onSuccess: (p) => {
      qc.setQueryData(promotionKeys.detail(p.id), p);
      for (const q of qc.getQueryCache().findAll({ queryKey: promotionKeys.lists })) {
        qc.setQueryData<Promotion[]>(q.queryKey, (list) => list?.map((x) => (x.id === p.id ? p : x)));
      }
      // The handoff page ticks its own checklist at once (PromotionDone's onDone); elsewhere it is refetched.
      void qc.invalidateQueries({ queryKey: handoffKey });
    },
  });
}
