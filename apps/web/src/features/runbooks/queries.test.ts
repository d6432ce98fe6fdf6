import type { RunSummary, RunView } from "@ops/contract";
import { QueryClient } from "@tanstack/react-query";
import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { detail, run, step } from "./fixtures.test-util.ts";
import { createRunSync, runKeys } from "./queries.ts";
import type { RunPage } from "./runbooks.ts";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  const forIncident = { incident: 4, limit: 20 };
  qc.setQueryData<RunSummary[]>(runKeys.recent(forIncident), [run(7, { incidentId: 4 })]);
  qc.setQueryData<InfiniteData<RunPage, number | undefined>>(runKeys.paged({}), {
    pages: [{ runs: [run(7, { incidentId: 4 }), run(5, { status: "succeeded" })], next: undefined }],
    pageParams: [undefined],
  });
  qc.setQueryData<InfiniteData<RunPage, number | undefined>>(runKeys.paged({ status: "running" }), {
    pages: [{ runs: [run(7, { incidentId: 4 })], next: undefined }],
    pageParams: [undefined],
  });
  qc.setQueryData<RunView>(runKeys.detail(7), detail(7, [step(0, { status: "succeeded" }), step(1, { status: "running" })], { incidentId: 4 }));
  return { qc, sync: createRunSync(qc), forIncident };
}

describe("createRunSync", () => {
  it("updates every cached list and merges the step into the detail", () => {
    const { qc, sync, forIncident } = setup();
    const done = run(7, { incidentId: 4, status: "succeeded", doneSteps: 2, currentStep: null });
    sync({ type: "run.updated", run: done, step: step(1, { status: "succeeded", output: "steward is ok" }) });
    expect(qc.getQueryData<RunSummary[]>(runKeys.recent(forIncident))?.map((r) => `${r.id}:${r.status}`)).toEqual(["7:succeeded"]);
    const all = qc.getQueryData<InfiniteData<RunPage>>(runKeys.paged({}));
    expect(all?.pages[0]?.runs.map((r) => `${r.id}:${r.status}`)).toEqual(["7:succeeded", "5:succeeded"]);
    const running = qc.getQueryData<InfiniteData<RunPage>>(runKeys.paged({ status: "running" }));
    expect(running?.pages[0]?.runs).toEqual([]);
    const d = qc.getQueryData<RunView>(runKeys.detail(7));
    expect(d?.status).toBe("succeeded");
    expect(d?.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(d?.steps[1]?.output).toBe("steward is ok");
    expect(qc.getQueryState(runKeys.detail(7))?.isInvalidated).toBe(false);
  });

  it("adds a new run to the lists it matches, without a detail to merge into", () => {
    const { qc, sync, forIncident } = setup();
    sync({ type: "run.updated", run: run(9, { incidentId: 4, status: "queued" }), step: null });
    expect(qc.getQueryData<RunSummary[]>(runKeys.recent(forIncident))?.map((r) => r.id)).toEqual([9, 7]);
    expect(qc.getQueryData<InfiniteData<RunPage>>(runKeys.paged({}))?.pages[0]?.runs.map((r) => r.id)).toEqual([9, 7, 5]);
    expect(qc.getQueryData<RunView>(runKeys.detail(9))).toBeUndefined();
  });

  it("refetches a detail that is known but not yet loaded", () => {
    const { qc, sync } = setup();
    qc.getQueryCache().build(qc, { queryKey: runKeys.detail(11) });
    sync({ type: "run.updated", run: run(11), step: null });
    expect(qc.getQueryState(runKeys.detail(11))?.isInvalidated).toBe(true);
  });

  it("refetches everything after a reconnect and ignores other frames", () => {
    const { qc, sync, forIncident } = setup();
    sync(frame({ type: "incident.updated", incident: { id: 4 } }));
    expect(qc.getQueryState(runKeys.recent(forIncident))?.isInvalidated).toBe(false);
    sync(frame({ type: "snapshot", targets: [] }));
    expect(qc.getQueryState(runKeys.recent(forIncident))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(runKeys.detail(7))?.isInvalidated).toBe(true);
  });

  it("does not let an answer that left before a frame overwrite it: the fetch in flight starts again", async () => {
    const { qc, sync } = setup();
    let answers = 0;
    let release: (v: RunView) => void = () => {};
    const stale = detail(7, [step(0, { status: "succeeded" }), step(1, { status: "running" })]);
    const fresh = detail(7, [step(0, { status: "succeeded" }), step(1, { status: "succeeded" })]);
    const fetching = qc.fetchQuery({
      queryKey: runKeys.detail(7),
      staleTime: 0,
      queryFn: () => (++answers === 1 ? new Promise<RunView>((r) => (release = r)) : Promise.resolve(fresh)),
    });
    sync({ type: "run.updated", run: run(7), step: step(1, { status: "succeeded" }) });
    release(stale);
    await fetching.catch(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(qc.getQueryData<RunView>(runKeys.detail(7))?.steps[1]?.status).toBe("succeeded");
  });
});
