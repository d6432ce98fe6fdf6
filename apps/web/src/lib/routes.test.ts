import { describe, expect, it } from "vitest";
import {
  backupPath,
  backupsPath,
  casesPath,
  deliveryPath,
  handoffPath,
  incidentPath,
  incidentsPath,
  learningPath,
  learningsPath,
  matchRoute,
  pathOf,
  patternsPath,
  postmortemPath,
  postmortemsPath,
  procedurePath,
  promotionPath,
  proposalPath,
  proposalsPath,
  promotionsPath,
  runbooksPath,
  runForPath,
  runPath,
  runsPath,
  sloPath,
  slosPath,
  targetPath,
} from "./routes.ts";

describe("matchRoute", () => {
  it("matches the board, target pages and everything else", () => {
    expect(matchRoute("/")).toEqual({ name: "board" });
    expect(matchRoute("")).toEqual({ name: "board" });
    expect(matchRoute("/targets/alpha")).toEqual({ name: "target", targetName: "alpha" });
    expect(matchRoute("/targets/alpha/")).toEqual({ name: "target", targetName: "alpha" });
    expect(matchRoute("/targets/web%20bridge")).toEqual({ name: "target", targetName: "web bridge" });
    expect(matchRoute("/targets")).toEqual({ name: "notFound", path: "/targets" });
    expect(matchRoute("/targets/a/b")).toEqual({ name: "notFound", path: "/targets/a/b" });
    expect(matchRoute("/targets/%E0%A4%A")).toEqual({ name: "notFound", path: "/targets/%E0%A4%A" });
  });

  it("matches the account, admin, tokens, audit and login pages", () => {
    expect(matchRoute("/login")).toEqual({ name: "login" });
    expect(matchRoute("/account/")).toEqual({ name: "account" });
    expect(matchRoute("/admin/users")).toEqual({ name: "users" });
    expect(matchRoute("/admin")).toEqual({ name: "users" });
    expect(matchRoute("/tokens")).toEqual({ name: "tokens" });
    expect(matchRoute("/audit")).toEqual({ name: "audit" });
    expect(matchRoute("/admin/other")).toEqual({ name: "notFound", path: "/admin/other" });
    expect(matchRoute("/constructor")).toEqual({ name: "notFound", path: "/constructor" });
  });

  it("matches the incidents list and incident pages", () => {
    expect(matchRoute("/incidents")).toEqual({ name: "incidents" });
    expect(matchRoute("/incidents/")).toEqual({ name: "incidents" });
    expect(matchRoute("/incidents/42")).toEqual({ name: "incident", id: 42 });
    expect(matchRoute("/incidents/INC-42")).toEqual({ name: "incident", id: 42 });
    expect(matchRoute("/incidents/abc")).toEqual({ name: "notFound", path: "/incidents/abc" });
    expect(matchRoute("/incidents/42/x")).toEqual({ name: "notFound", path: "/incidents/42/x" });
  });

  it("builds incident paths", () => {
    expect(incidentPath(7)).toBe("/incidents/7");
    expect(incidentsPath()).toBe("/incidents");
    expect(incidentsPath("open")).toBe("/incidents");
    expect(incidentsPath("resolved", "a b")).toBe("/incidents?status=resolved&target=a+b");
  });

  it("takes the path out of an href", () => {
    expect(pathOf("/audit?tab=security")).toBe("/audit");
    expect(pathOf("/x#y")).toBe("/x");
    expect(pathOf("")).toBe("/");
  });

  it("builds target paths", () => {
    expect(targetPath("alpha")).toBe("/targets/alpha");
    expect(targetPath("a b", "24h")).toBe("/targets/a%20b?range=24h");
  });

  it("matches and builds the cases page", () => {
    expect(matchRoute("/cases")).toEqual({ name: "cases" });
    expect(matchRoute("/cases/")).toEqual({ name: "cases" });
    expect(casesPath()).toBe("/cases");
    expect(casesPath("CASE-001")).toBe("/cases?case=CASE-001");
  });

  it("matches and builds the runbook and run pages", () => {
    expect(matchRoute("/runbooks")).toEqual({ name: "runbooks" });
    expect(matchRoute("/runbooks/")).toEqual({ name: "runbooks" });
    expect(matchRoute("/runbooks/restart-agent/restart")).toEqual({ name: "procedure", runbookId: "restart-agent", procedureId: "restart" });
    expect(matchRoute("/runbooks/a%20b/c")).toEqual({ name: "procedure", runbookId: "a b", procedureId: "c" });
    expect(matchRoute("/runbooks/a/b/c")).toEqual({ name: "notFound", path: "/runbooks/a/b/c" });
    expect(matchRoute("/runs")).toEqual({ name: "runs" });
    expect(matchRoute("/runs/12")).toEqual({ name: "run", id: 12 });
    expect(matchRoute("/runs/x")).toEqual({ name: "notFound", path: "/runs/x" });
    expect(runbooksPath()).toBe("/runbooks");
    expect(runbooksPath("?agent=steward")).toBe("/runbooks?agent=steward");
    expect(runForPath({ agent: "steward", incident: 4 })).toBe("/runbooks?incident=4&agent=steward");
    expect(runForPath({ agent: "steward" })).toBe("/runbooks?agent=steward");
    expect(procedurePath("restart-agent", "restart", "?agent=steward&incident=4")).toBe("/runbooks/restart-agent/restart?agent=steward&incident=4");
    expect(procedurePath("r", "p")).toBe("/runbooks/r/p");
    expect(runPath(7)).toBe("/runs/7");
    expect(runsPath()).toBe("/runs");
    expect(runsPath({ status: "failed", target: "steward" })).toBe("/runs?status=failed&target=steward");
  });
});

describe("postmortem, learning, promotion and handoff routes", () => {
  it("matches them", () => {
    expect(matchRoute("/postmortems")).toEqual({ name: "postmortems" });
    expect(matchRoute("/postmortems/12")).toEqual({ name: "postmortem", id: 12 });
    expect(matchRoute("/postmortems/x")).toEqual({ name: "notFound", path: "/postmortems/x" });
    expect(matchRoute("/learnings")).toEqual({ name: "learnings" });
    expect(matchRoute("/learnings/patterns")).toEqual({ name: "patterns" });
    expect(matchRoute("/learnings/LRN-20261123-001")).toEqual({ name: "learning", learningId: "LRN-20261123-001" });
    expect(matchRoute("/learnings/a%20b")).toEqual({ name: "learning", learningId: "a b" });
    expect(matchRoute("/learnings/%E0%A4%A")).toEqual({ name: "notFound", path: "/learnings/%E0%A4%A" });
    expect(matchRoute("/promotions")).toEqual({ name: "promotions" });
    expect(matchRoute("/promotions/3")).toEqual({ name: "promotion", id: 3 });
    expect(matchRoute("/handoff/")).toEqual({ name: "handoff" });
  });

  it("builds their paths", () => {
    expect(postmortemPath(4)).toBe("/postmortems/4");
    expect(postmortemsPath()).toBe("/postmortems");
    expect(postmortemsPath({ status: "draft", incident: 3 })).toBe("/postmortems?status=draft&incident=3");
    expect(learningPath("LRN-1")).toBe("/learnings/LRN-1");
    expect(learningsPath({ q: "disk full", type: "OPS", status: undefined, area: "" })).toBe("/learnings?q=disk+full&type=OPS");
    expect(patternsPath()).toBe("/learnings/patterns");
    expect(promotionPath(2)).toBe("/promotions/2");
    expect(promotionsPath("runbook-draft")).toBe("/promotions?kind=runbook-draft");
    expect(promotionsPath()).toBe("/promotions");
    expect(handoffPath()).toBe("/handoff");
  });
});

describe("governance routes", () => {
  it.each([
    ["/proposals", { name: "proposals" }],
    ["/proposals/", { name: "proposals" }],
    ["/proposals/new", { name: "proposal", id: "new" }],
    ["/proposals/7", { name: "proposal", id: 7 }],
    ["/proposals/x", { name: "notFound", path: "/proposals/x" }],
    ["/proposals/7/votes", { name: "notFound", path: "/proposals/7/votes" }],
  ])("matches %s", (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it("builds their paths", () => {
    expect([proposalPath(7), proposalPath("new"), proposalsPath(), proposalsPath("open")]).toEqual([
      "/proposals/7",
      "/proposals/new",
      "/proposals",
      "/proposals?status=open",
    ]);
  });
});

describe("backup routes", () => {
  it("matches and builds the backups page and a backup's page", () => {
    expect(matchRoute("/backups")).toEqual({ name: "backups" });
    expect(matchRoute("/backups/")).toEqual({ name: "backups" });
    expect(matchRoute("/backups/database-20261123-020000-a1b2")).toEqual({ name: "backup", id: "database-20261123-020000-a1b2" });
    expect(matchRoute("/backups/agent-state-20261123-060000-zz99")).toEqual({ name: "backup", id: "agent-state-20261123-060000-zz99" });
    expect(matchRoute("/backups/tape-20261123-020000-a1b2")).toEqual({ name: "notFound", path: "/backups/tape-20261123-020000-a1b2" });
    expect(matchRoute("/backups/database-1")).toEqual({ name: "notFound", path: "/backups/database-1" });
    expect(backupsPath()).toBe("/backups");
    expect(backupsPath({ type: "redis", status: "" })).toBe("/backups?type=redis");
    expect(backupsPath({ type: "full", status: "failed" })).toBe("/backups?type=full&status=failed");
    expect(backupPath("redis-20261123-030000-abcd")).toBe("/backups/redis-20261123-030000-abcd");
  });
});

describe("SLO and delivery routes", () => {
  it("matches and builds the SLO overview, an SLO's page and the delivery page", () => {
    expect(matchRoute("/slos")).toEqual({ name: "slos" });
    expect(matchRoute("/slos/")).toEqual({ name: "slos" });
    expect(matchRoute("/slos/12")).toEqual({ name: "slo", id: 12 });
    expect(matchRoute("/slos/alpha")).toEqual({ name: "notFound", path: "/slos/alpha" });
    expect(matchRoute("/slos/12/edit")).toEqual({ name: "notFound", path: "/slos/12/edit" });
    expect(matchRoute("/delivery")).toEqual({ name: "delivery" });
    expect(slosPath()).toBe("/slos");
    expect(sloPath(7)).toBe("/slos/7");
    expect(matchRoute(sloPath(7))).toEqual({ name: "slo", id: 7 });
    expect(deliveryPath()).toBe("/delivery");
  });
});
