import { QueryClient } from "@tanstack/react-query";
import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { detail, learning } from "./fixtures.test-util.ts";
import type { LearningPage } from "./learnings.ts";
import { createLearningSync, learningKeys } from "./queries.ts";
import type { LearningSummary, LearningView } from "@ops/contract";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  const forIncident = { incident: 4, limit: 20 };
  const pending = { status: "pending" as const };
  qc.setQueryData<LearningSummary[]>(learningKeys.list(forIncident), [learning("OPS-1", { incidentIds: [4] })]);
  qc.setQueryData<InfiniteData<LearningPage, string | undefined>>(learningKeys.paged(pending), {
    pages: [{ learnings: [learning("OPS-1", { incidentIds: [4] }), learning("OPS-2")], next: undefined }],
    pageParams: [undefined],
  });
  qc.setQueryData<InfiniteData<LearningPage, string | undefined>>(learningKeys.paged({}), {
    pages: [{ learnings: [learning("OPS-2")], next: undefined }],
    pageParams: [undefined],
  });
  qc.setQueryData<LearningView>(learningKeys.detail("OPS-1"), detail("OPS-1", { version: 1 }));
  return { qc, sync: createLearningSync(qc), forIncident, pending };
}

describe("createLearningSync", () => {
  it("updates lists in place, drops what no longer matches and refetches an older detail", () => {
    const { qc, sync, forIncident, pending } = setup();
    sync({ type: "learning.updated", learning: learning("OPS-1", { incidentIds: [4], status: "resolved", version: 2 }) });
    expect(qc.getQueryData<LearningSummary[]>(learningKeys.list(forIncident))?.map((l) => l.status)).toEqual(["resolved"]);
    expect(qc.getQueryData<InfiniteData<LearningPage>>(learningKeys.paged(pending))?.pages[0]?.learnings.map((l) => l.id)).toEqual(["OPS-2"]);
    expect(qc.getQueryState(learningKeys.detail("OPS-1"))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(learningKeys.patterns)).toBeUndefined();
  });

  it("refetches the lists a new learning may belong to", () => {
    const { qc, sync, forIncident, pending } = setup();
    sync({ type: "learning.updated", learning: learning("OPS-9", { status: "resolved" }) });
    expect(qc.getQueryState(learningKeys.paged(pending))?.isInvalidated).toBe(false);
    expect(qc.getQueryState(learningKeys.paged({}))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(learningKeys.list(forIncident))?.isInvalidated).toBe(false);
  });

  it("refetches everything after a reconnect", () => {
    const { qc, sync, forIncident } = setup();
    sync(frame({ type: "snapshot", targets: [] }));
    expect(qc.getQueryState(learningKeys.list(forIncident))?.isInvalidated).toBe(true);
  });
});
