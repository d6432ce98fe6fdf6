import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import type {
  BallotAnswer,
  Choice,
  GovernanceEvent,
  GovernanceEventList,
  GovernanceRulesView,
  NewProposalBody,
  ProposalAnswer,
  ProposalList,
  ProposalSummary,
  Verdict,
} from "@ops/contract";
import { apiGet, apiSend } from "../../lib/api.ts";
import { useRefresh } from "../../lib/ws.ts";
import type { ServerFrame } from "@ops/contract";
import { mergeSummary, PAGE_SIZE, proposalFromFrame, proposalsQuery, toSummary, upsertProposal, withClockOffset } from "./governance.ts";
import type { Proposal, ProposalFilter } from "./governance.ts";

export type ProposalListFilter = ProposalFilter & { limit: number };

export const governanceKeys = {
  all: ["governance"] as const,
  rules: ["governance", "rules"] as const,
  lists: ["governance", "proposals"] as const,
  list: (filter: ProposalListFilter) => ["governance", "proposals", filter] as const,
  detail: (id: number) => ["governance", "proposal", id] as const,
  eventsAll: ["governance", "events"] as const,
  events: (id: number) => ["governance", "events", id] as const,
} as const;

/** While a proposal is open its page polls this often, besides the live frames (tallies, the close). */
export const OPEN_POLL_MS = 10_000;

const enc = (id: number) => encodeURIComponent(String(id));

export const EVENTS_EXPORT_HREF = "/api/governance/events/export";

async function fetchRules(signal?: AbortSignal): Promise<GovernanceRulesView> {
  return apiGet<GovernanceRulesView>("/api/governance", { signal });
}

async function fetchProposals(filter: ProposalFilter, limit: number, signal?: AbortSignal): Promise<ProposalSummary[]> {
  return (await apiGet<ProposalList>(`/api/proposals?${proposalsQuery(filter, limit)}`, { signal })).proposals;
}

/** The answer's `serverTime` against the browser's clock when it came: the countdown's offset. */
const proposalOf = (body: ProposalAnswer | BallotAnswer): Proposal => withClockOffset(body.proposal, Date.now());

async function fetchProposal(id: number, signal?: AbortSignal): Promise<Proposal> {
  return proposalOf(await apiGet<ProposalAnswer>(`/api/proposals/${enc(id)}`, { signal }));
}

async function fetchEvents(id: number, signal?: AbortSignal): Promise<GovernanceEvent[]> {
  return (await apiGet<GovernanceEventList>(`/api/governance/events?proposal=${enc(id)}`, { signal })).events;
}

/** The rules in force, the eligible members, and who the caller votes as. */
export function useGovernance(opts: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: governanceKeys.rules, queryFn: ({ signal }) => fetchRules(signal), enabled: opts.enabled ?? true, staleTime: 60_000 });
}

export function useProposals(filter: ProposalFilter) {
  const refresh = useRefresh();
  const key: ProposalListFilter = { ...filter, limit: PAGE_SIZE };
  return useQuery({
    queryKey: governanceKeys.list(key),
    queryFn: ({ signal }) => fetchProposals(filter, key.limit, signal),
    // Open proposals close on their own at the deadline: poll like their pages do.
    refetchInterval: (q) => (q.state.data?.some((p) => p.status === "open") ? OPEN_POLL_MS : refresh),
  });
}

/** One proposal with its ballots; polls every 10 s while it is open, whether or not frames arrive. */
export function useProposal(id: number) {
  return useQuery({
    queryKey: governanceKeys.detail(id),
    queryFn: ({ signal }) => fetchProposal(id, signal),
    refetchInterval: (q) => (q.state.data?.status === "open" ? OPEN_POLL_MS : false),
  });
}

export function useProposalEvents(id: number, open: boolean) {
  return useQuery({
    queryKey: governanceKeys.events(id),
    queryFn: ({ signal }) => fetchEvents(id, signal),
    refetchInterval: open ? OPEN_POLL_MS : false,
  });
}

/** Puts a changed summary into every cached list. */
function syncLists(qc: QueryClient, p: ProposalSummary): void {
  for (const q of qc.getQueryCache().findAll({ queryKey: governanceKeys.lists })) {
    const filter = q.queryKey[2] as ProposalListFilter;
    qc.setQueryData<ProposalSummary[]>(q.queryKey, (list) => (list ? upsertProposal(list, p, filter, filter.limit) : list));
  }
}

/** A full proposal from an answer: the detail is replaced, the lists updated, the log fetched again. */
export function syncProposal(qc: QueryClient, p: Proposal): void {
  qc.setQueryData<Proposal>(governanceKeys.detail(p.id), p);
  syncLists(qc, toSummary(p));
  void qc.invalidateQueries({ queryKey: governanceKeys.events(p.id) });
}

/** A `proposal.updated` frame: lists get the summary; a cached detail merges it and is fetched again for its ballots. */
export function applyProposalUpdate(qc: QueryClient, p: ProposalSummary): void {
  syncLists(qc, p);
  const key = governanceKeys.detail(p.id);
  if (qc.getQueryData<Proposal>(key)) {
    qc.setQueryData<Proposal>(key, (cur) => (cur ? mergeSummary(cur, p) : cur));
    // A fetch in flight may answer with a state older than this frame and overwrite it: start it again.
    if (qc.isFetching({ queryKey: key }) > 0) void qc.refetchQueries({ queryKey: key }, { cancelRefetch: true });
    else void qc.invalidateQueries({ queryKey: key });
  } else {
    void qc.invalidateQueries({ queryKey: key });
  }
  void qc.invalidateQueries({ queryKey: governanceKeys.events(p.id) });
}

/** Live frames: `proposal.updated` updates the caches; a snapshot (a reconnect) means frames may have been missed. */
export function createProposalSync(qc: QueryClient): (raw: ServerFrame) => void {
  return (raw) => {
    const p = proposalFromFrame(raw);
    if (p) applyProposalUpdate(qc, p);
    else if (raw.type === "snapshot") void qc.invalidateQueries({ queryKey: governanceKeys.all });
  };
}

export function useCreateProposal() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: NewProposalBody): Promise<Proposal> => proposalOf(await apiSend<ProposalAnswer>("POST", "/api/proposals", body)),
    onSuccess: (p) => syncProposal(qc, p),
  });
}

export function useVote(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (choice: Choice): Promise<Proposal> => proposalOf(await apiSend<BallotAnswer>("POST", `/api/proposals/${enc(id)}/votes`, { choice })),
    onSuccess: (p) => syncProposal(qc, p),
  });
}

export function useReview(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { verdict: Verdict; note: string; duty?: string }): Promise<Proposal> =>
      proposalOf(
        await apiSend<ProposalAnswer>("POST", `/api/proposals/${enc(id)}/reviews`, {
          verdict: v.verdict,
          ...(v.note.trim() ? { note: v.note.trim() } : {}),
          ...(v.duty ? { duty: v.duty } : {}),
        }),
      ),
    onSuccess: (p) => syncProposal(qc, p),
  });
}

export function useWithdraw(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<Proposal> => proposalOf(await apiSend<ProposalAnswer>("POST", `/api/proposals/${enc(id)}/withdraw`, {})),
    onSuccess: (p) => syncProposal(qc, p),
  });
}
