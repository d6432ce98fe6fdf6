import { QueryClient } from "@tanstack/react-query";
import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { H, inc, resolved } from "./fixtures.test-util.ts";
import type { IncidentPage } from "./incidents.ts";
import { createIncidentSync, incidentKeys, OPEN_FILTER } from "./queries.ts";
import type { Incident, IncidentDetail } from "./types.ts";
import { frame } from "../../lib/frames.test-util.ts";

function setup() {
  const qc = new QueryClient();
  const target = { status: "all", target: "beta", limit: 5 } as const;
  qc.setQueryData<Incident[]>(incidentKeys.recent(OPEN_FILTER), [inc(9), inc(7)]);
  qc.setQueryData<Incident[]>(incidentKeys.recent(target), [inc(9), inc(7), resolved(3, H, 8 * H)]);
  qc.setQueryData<InfiniteData<IncidentPage, string | undefined>>(incidentKeys.paged({ status: "resolved" }), {
    pages: [{ incidents: [resolved(3, H, 8 * H)], next: undefined }],
    pageParams: [undefined],
  });
  qc.setQueryData<IncidentDetail>(incidentKeys.detail(7), { incident: inc(7), timeline: [] });
  return { qc, sync: createIncidentSync(qc), target };
}

describe("createIncidentSync", () => {
  it("moves a resolved incident between every cached list and updates its page", () => {
    const { qc, sync, target } = setup();
    sync({ type: "incident.updated", incident: resolved(7, 2 * H, 8 * H) });
    expect(qc.getQueryData<Incident[]>(incidentKeys.recent(OPEN_FILTER))?.map((i) => i.id)).toEqual([9]);
    expect(qc.getQueryData<Incident[]>(incidentKeys.recent(target))?.map((i) => `${i.id}:${i.status}`)).toEqual(["9:open", "7:resolved", "3:resolved"]);
    const paged = qc.getQueryData<InfiniteData<IncidentPage>>(incidentKeys.paged({ status: "resolved" }));
    expect(paged?.pages[0]?.incidents.map((i) => i.id)).toEqual([7, 3]);
    expect(qc.getQueryData<IncidentDetail>(incidentKeys.detail(7))?.incident.status).toBe("resolved");
    expect(qc.getQueryState(incidentKeys.detail(7))?.isInvalidated).toBe(true);
  });

  it("adds a newly opened incident to the board's open list", () => {
    const { qc, sync } = setup();
    sync({ type: "incident.updated", incident: inc(12, { targets: ["redis"], severity: "P1" }) });
    expect(qc.getQueryData<Incident[]>(incidentKeys.recent(OPEN_FILTER))?.map((i) => i.key)).toEqual(["INC-12", "INC-9", "INC-7"]);
  });

  it("refetches everything after a reconnect and ignores other frames", () => {
    const { qc, sync } = setup();
    sync({ type: "target.update", targets: [] });
    expect(qc.getQueryState(incidentKeys.recent(OPEN_FILTER))?.isInvalidated).toBe(false);
    sync(frame({ type: "snapshot", targets: [] }));
    expect(qc.getQueryState(incidentKeys.recent(OPEN_FILTER))?.isInvalidated).toBe(true);
  });
});
