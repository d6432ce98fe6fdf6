import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { postmortem, summary } from "./fixtures.test-util.ts";
import { createPostmortemSync, postmortemKeys, syncPostmortem } from "./queries.ts";
import type { PostmortemSummary, PostmortemView } from "@ops/contract";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  const all = { limit: 50 };
  const forIncident = { incident: 40, limit: 5 };
  const drafts = { status: "draft" as const, limit: 50 };
  qc.setQueryData<PostmortemSummary[]>(postmortemKeys.list(all), [summary(4), summary(2)]);
  qc.setQueryData<PostmortemSummary[]>(postmortemKeys.list(forIncident), [summary(4)]);
  qc.setQueryData<PostmortemSummary[]>(postmortemKeys.list(drafts), [summary(4), summary(2)]);
  qc.setQueryData<PostmortemView>(postmortemKeys.detail(4), postmortem({ id: 4, version: 3 }));
  return { qc, sync: createPostmortemSync(qc), all, forIncident, drafts };
}

const ids = (list: PostmortemSummary[] | undefined) => list?.map((p) => `${p.id}:${p.status}`);

describe("createPostmortemSync", () => {
  it("updates every cached list and refetches a detail older than the frame", () => {
    const { qc, sync, all, forIncident, drafts } = setup();
    sync({ type: "postmortem.updated", postmortem: summary(4, { status: "in_review", version: 4, updatedBy: "Grace" }) });
    expect(ids(qc.getQueryData(postmortemKeys.list(all)))).toEqual(["4:in_review", "2:draft"]);
    expect(ids(qc.getQueryData(postmortemKeys.list(forIncident)))).toEqual(["4:in_review"]);
    expect(ids(qc.getQueryData(postmortemKeys.list(drafts)))).toEqual(["2:draft"]);
    expect(qc.getQueryState(postmortemKeys.detail(4))?.isInvalidated).toBe(true);
    // The detail keeps its text until the refetch: a frame has none to merge.
    expect(qc.getQueryData<PostmortemView>(postmortemKeys.detail(4))?.version).toBe(3);
  });

  it("leaves a detail alone when the frame is not newer (my own save)", () => {
    const { qc, sync } = setup();
    sync({ type: "postmortem.updated", postmortem: summary(4, { version: 3 }) });
    expect(qc.getQueryState(postmortemKeys.detail(4))?.isInvalidated).toBe(false);
  });

  it("adds a new postmortem to the lists it matches", () => {
    const { qc, sync, all, forIncident } = setup();
    sync({ type: "postmortem.updated", postmortem: summary(7) });
    expect(ids(qc.getQueryData(postmortemKeys.list(all)))).toEqual(["7:draft", "4:draft", "2:draft"]);
    expect(ids(qc.getQueryData(postmortemKeys.list(forIncident)))).toEqual(["4:draft"]);
  });

  it("refetches everything after a reconnect and ignores other frames", () => {
    const { qc, sync, all } = setup();
    sync(frame({ type: "run.updated", run: { id: 4 } }));
    expect(qc.getQueryState(postmortemKeys.list(all))?.isInvalidated).toBe(false);
    sync(frame({ type: "snapshot", targets: [] }));
    expect(qc.getQueryState(postmortemKeys.list(all))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(postmortemKeys.detail(4))?.isInvalidated).toBe(true);
  });
});

describe("syncPostmortem", () => {
  it("stores a saved postmortem but never an older one over a newer", () => {
    const { qc, all } = setup();
    syncPostmortem(qc, postmortem({ id: 4, version: 5, title: "Saved" }));
    expect(qc.getQueryData<PostmortemView>(postmortemKeys.detail(4))?.title).toBe("Saved");
    expect(qc.getQueryData<PostmortemSummary[]>(postmortemKeys.list(all))?.[0]?.title).toBe("Saved");
    syncPostmortem(qc, postmortem({ id: 4, version: 4, title: "Late" }));
    expect(qc.getQueryData<PostmortemView>(postmortemKeys.detail(4))?.title).toBe("Saved");
  });
});
