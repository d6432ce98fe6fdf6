import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { apiGet, apiSend } from "../../lib/api.ts";
import { serverNow } from "../../lib/clock.ts";
import { configKeys, doctorKeys } from "../../lib/query-keys.ts";
import { DEFAULT_MONITORING, type BoardMonitoring } from "../../lib/target-status.ts";
import { POLL_MS, targetsKey } from "../../lib/targets-query.ts";
import type { EventFilter } from "../../lib/targets.ts";
import { useLiveState } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import type {
  EventsResponse,
  HealingAction,
  HealingActionBody,
  HealingPausedBody,
  MonitoringSettings,
  MonitoringStatus,
  RestartView,
  RestartsResponse,
  StatusEventView,
  TargetResponse,
  TargetSamples,
  TargetView,
} from "@ops/contract";
import { healingChanged, restartsChanged } from "./healing.ts";
import { applyFrame, isNotOlder, prependEvent, toLiveFrame } from "./live.ts";

export type RangeKey = "1h" | "24h" | "7d";

export const RANGES: Record<RangeKey, { label: string; ms: number }> = {
  "1h": { label: "1 h", ms: 3_600_000 },
  "24h": { label: "24 h", ms: 86_400_000 },
  "7d": { label: "7 d", ms: 7 * 86_400_000 },
};

export function isRangeKey(v: string | null): v is RangeKey {
  return v === "1h" || v === "24h" || v === "7d";
}

export const targetKeys = {
  all: targetsKey,
  detail: (name: string) => ["targets", "detail", name] as const,
  samples: (name: string, range: RangeKey) => ["targets", "samples", name, range] as const,
} as const;

export const monitoringKeys = { settings: ["monitoring"] as const, status: ["monitoring", "status"] as const };

/**
 * Is the console still probing? Polled every 5 s (not over the live socket, so it still works when the live
 * stream is what broke). Errors are left to the API-unreachable banner.
 */
export function useMonitoringStatus(enabled: boolean) {
  return useQuery({
    queryKey: monitoringKeys.status,
    queryFn: ({ signal }) => apiGet<MonitoringStatus>("/api/monitoring/status", { signal }),
    refetchInterval: 5000,
    refetchIntervalInBackground: true,
    enabled,
  });
}

/** Interval and thresholds from monitoring-config.json; the shipped defaults until the API answers. */
export function useMonitoring(): BoardMonitoring {
  const q = useQuery({
    queryKey: monitoringKeys.settings,
    queryFn: ({ signal }) => apiGet<MonitoringSettings>("/api/monitoring", { signal }),
    staleTime: 5 * 60_000,
  });
  return q.data ?? DEFAULT_MONITORING;
}

export const eventKeys = {
  all: ["events"] as const,
  list: (filter: EventFilter) => ["events", "list", filter] as const,
} as const;

export const restartKeys = {
  all: ["restarts"] as const,
  list: (target: string) => ["restarts", "list", target] as const,
} as const;

const enc = encodeURIComponent;

export async function fetchTarget(name: string, signal?: AbortSignal): Promise<TargetView> {
  return (await apiGet<TargetResponse>(`/api/targets/${enc(name)}`, { signal })).target;
}

export async function fetchSamples(name: string, range: RangeKey, signal?: AbortSignal): Promise<TargetSamples> {
  const to = serverNow();
  const from = to - RANGES[range].ms;
  const qs = `from=${enc(new Date(from).toISOString())}&to=${enc(new Date(to).toISOString())}`;
  return apiGet<TargetSamples>(`/api/targets/${enc(name)}/samples?${qs}`, { signal });
}

export async function fetchEvents(filter: EventFilter, signal?: AbortSignal): Promise<StatusEventView[]> {
  const params = new URLSearchParams();
  if (filter.target) params.set("target", filter.target);
  params.set("limit", String(filter.limit ?? 50));
  return (await apiGet<EventsResponse>(`/api/events?${params.toString()}`, { signal })).events;
}

export async function fetchRestarts(target: string, signal?: AbortSignal): Promise<RestartView[]> {
  return (await apiGet<RestartsResponse>(`/api/restarts?target=${enc(target)}&limit=50`, { signal })).restarts;
}

/**
 * One target. It starts from what the live cache (the fleet list) already holds, as fresh as that list: the page
 * shows the status at once, and while the socket is live there is nothing to fetch. The live sync keeps the
 * detail current from then on.
 */
export function useTarget(name: string) {
  const qc = useQueryClient();
  const live = useLiveState().status === "live";
  return useQuery<TargetView, Error, TargetView, ReturnType<typeof targetKeys.detail>>({
    queryKey: targetKeys.detail(name),
    queryFn: ({ signal }) => fetchTarget(name, signal),
    initialData: () => qc.getQueryData<TargetView[]>(targetKeys.all)?.find((t) => t.name === name),
    initialDataUpdatedAt: () => qc.getQueryState(targetKeys.all)?.dataUpdatedAt,
    staleTime: live ? Infinity : 5_000,
    refetchInterval: live ? false : POLL_MS,
  });
}

export function useSamples(name: string, range: RangeKey) {
  return useQuery({
    queryKey: targetKeys.samples(name, range),
    queryFn: ({ signal }) => fetchSamples(name, range, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
}

export function useEvents(filter: EventFilter) {
  const live = useLiveState().status === "live";
  return useQuery({
    queryKey: eventKeys.list(filter),
    queryFn: ({ signal }) => fetchEvents(filter, signal),
    refetchInterval: live ? 60_000 : 30_000,
  });
}

/** Newest first; live frames refetch it when a restart starts or ends, the interval covers the rest. */
export function useRestarts(target: string) {
  return useQuery({
    queryKey: restartKeys.list(target),
    queryFn: ({ signal }) => fetchRestarts(target, signal),
    refetchInterval: 30_000,
  });
}

/** Writes a target the API answered with: its healing state is the newest there is, even if a later probe result is cached. */
function storeHealingAnswer(qc: QueryClient, t: TargetView): void {
  const merge = (cur: TargetView | undefined): TargetView => (!cur || isNotOlder(t, cur) ? t : { ...cur, healing: t.healing });
  qc.setQueryData<TargetView[]>(targetKeys.all, (list) => list?.map((x) => (x.name === t.name ? merge(x) : x)));
  qc.setQueryData<TargetView>(targetKeys.detail(t.name), merge);
  void qc.invalidateQueries({ queryKey: restartKeys.list(t.name) });
}

export function useSetHealingPaused(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (paused: boolean) => {
      const body: HealingPausedBody = { paused };
      return (await apiSend<TargetResponse>("POST", `/api/targets/${enc(name)}/healing`, body)).target;
    },
    onSuccess: (t) => storeHealingAnswer(qc, t),
  });
}

/** Retry: one restart now, even while escalated. Reset: forget restarts, crashes and the escalation. On-call only. */
export function useHealingAction(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (action: HealingAction) => {
      const body: HealingActionBody = { action };
      return (await apiSend<TargetResponse>("POST", `/api/targets/${enc(name)}/healing/actions`, body)).target;
    },
    onSuccess: (t) => storeHealingAnswer(qc, t),
  });
}

/**
 * The target names some cached query is about (a page's detail, restarts, diagnoses, alerts, config status): a
 * frame's targets are checked against these few, not each of up to 10,000 against the cache. A name is any string
 * in a query key, which may take in a few that are not targets; they are only looked at.
 */
function watchedNames(qc: QueryClient): Set<string> {
  const names = new Set<string>();
  for (const q of qc.getQueryCache().getAll()) for (const part of q.queryKey) if (typeof part === "string") names.add(part);
  return names;
}

function refetchRestartsIfMoved(qc: QueryClient, targets: readonly TargetView[], watched: ReadonlySet<string>): void {
  let list: readonly TargetView[] | undefined;
  for (const t of targets) {
    if (!watched.has(t.name)) continue;
    list ??= qc.getQueryData<TargetView[]>(targetKeys.all) ?? [];
    // What was known before this frame: the page's detail, else the fleet list's entry.
    const prev = qc.getQueryData<TargetView>(targetKeys.detail(t.name)) ?? list.find((x) => x.name === t.name);
    if (restartsChanged(prev, t)) {
      void qc.invalidateQueries({ queryKey: restartKeys.list(t.name) });
    }
    if (healingChanged(prev, t)) {
      void qc.invalidateQueries({ queryKey: doctorKeys.diagnoses(t.name) });
      void qc.invalidateQueries({ queryKey: doctorKeys.alerts(t.name) });
      void qc.invalidateQueries({ queryKey: configKeys.status(t.name) });
    }
  }
}

/** Updates a target's detail where a page holds one; the others are read from the fleet list when a page asks (useTarget). */
function setDetail(qc: QueryClient, t: TargetView): void {
  const cur = qc.getQueryData<TargetView>(targetKeys.detail(t.name));
  if (cur && isNotOlder(t, cur)) qc.setQueryData<TargetView>(targetKeys.detail(t.name), t);
}

/**
 * A snapshot replaces the details pages hold (usually none or one), looked up by name: not a detail entry per
 * target, which at 10,000 targets cost more than drawing the board.
 */
function setDetailsFromSnapshot(qc: QueryClient, targets: readonly TargetView[]): void {
  const held = qc.getQueryCache().findAll({ queryKey: ["targets", "detail"] });
  if (held.length === 0) return;
  const byName = new Map(targets.map((t) => [t.name, t]));
  for (const q of held) {
    const t = byName.get(String(q.queryKey[2]));
    if (t) qc.setQueryData<TargetView>(targetKeys.detail(t.name), t);
  }
}

/**
 * Writes every live frame into the query cache so all pages update without refetching. The fleet list is written
 * without structural sharing: applyFrame already keeps every unchanged target (and the list, when nothing
 * changed), and comparing 10,000 targets field by field on every frame cost more than the board's render.
 */
export function createLiveSync(qc: QueryClient): (raw: ServerFrame) => void {
  qc.setQueryDefaults(targetKeys.all, { structuralSharing: false });
  return (raw) => {
    const frame = toLiveFrame(raw);
    if (!frame) return;
    if (frame.type === "snapshot" || frame.type === "target.update") {
      if (frame.type === "snapshot") {
        qc.setQueryData<TargetView[]>(targetKeys.all, (list) => applyFrame(list, frame));
        setDetailsFromSnapshot(qc, frame.targets);
      } else {
        const watched = watchedNames(qc);
        refetchRestartsIfMoved(qc, frame.targets, watched);
        qc.setQueryData<TargetView[]>(targetKeys.all, (list) => applyFrame(list, frame));
        for (const t of frame.targets) if (watched.has(t.name)) setDetail(qc, t);
      }
      if (frame.type === "snapshot") {
        // Events or samples may have been missed while disconnected.
        void qc.invalidateQueries({ queryKey: eventKeys.all });
        void qc.invalidateQueries({ queryKey: ["targets", "samples"] });
        void qc.invalidateQueries({ queryKey: restartKeys.all });
        void qc.invalidateQueries({ queryKey: doctorKeys.allDiagnoses });
        void qc.invalidateQueries({ queryKey: doctorKeys.allAlerts });
        void qc.invalidateQueries({ queryKey: configKeys.all });
      }
      return;
    }
    if (frame.type === "target.status") {
      const { target, event } = frame;
      refetchRestartsIfMoved(qc, [target], new Set([target.name]));
      qc.setQueryData<TargetView[]>(targetKeys.all, (list) => applyFrame(list, frame));
      setDetail(qc, target);
      if (event) {
        for (const q of qc.getQueryCache().findAll({ queryKey: eventKeys.all })) {
          const filter = (q.queryKey[2] ?? {}) as EventFilter;
          qc.setQueryData<StatusEventView[]>(q.queryKey, (events) => prependEvent(events, event, filter));
        }
      }
      void qc.invalidateQueries({ queryKey: ["targets", "samples", target.name] });
    }
  };
}
