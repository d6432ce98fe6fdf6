import type { BackupTypeStatus, BackupView, Manifest } from "@ops/contract";
import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { at, backup, typeStatus } from "./fixtures.test-util.ts";
import { backupKeys, fetchBackup, fetchBackups, fetchStatus, syncVerified } from "./queries.ts";

function stubFetch(replies: Record<string, { status: number; body: unknown }>) {
  const fetch = vi.fn(async (path: string) => {
    const r = replies[path] ?? { status: 404, body: { code: "NOT_FOUND", message: "no such backup" } };
    return new Response(JSON.stringify(r.body), { status: r.status });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("fetching", () => {
  it("asks for the status", async () => {
    stubFetch({ "/api/backups/status": { status: 200, body: { types: [typeStatus({ overdue: true })] } } });
    const types = await fetchStatus();
    expect(types.map((t) => [t.type, t.schedule, t.overdue])).toEqual([["database", "0 2 * * *", true]]);
  });

  it("asks for the list with its filters", async () => {
    const fetch = stubFetch({
      "/api/backups?type=redis&status=succeeded&limit=100": { status: 200, body: { backups: [backup({ id: "redis-20261123-030000-abcd", type: "redis" })] } },
    });
    const list = await fetchBackups({ type: "redis", status: "succeeded" });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(list.map((b) => `${b.id}:${b.type}:${b.status}`)).toEqual(["redis-20261123-030000-abcd:redis:succeeded"]);
  });

  it("fetches one backup and says when there is none", async () => {
    const manifest: Manifest = {
      id: "full-20261122-050000-zz99",
      type: "full",
      sources: [],
      startedAt: at(0),
      finishedAt: at(1000),
      files: [],
      size: 0,
      sha256: "",
      tools: {},
      details: {},
    };
    stubFetch({
      "/api/backups/full-20261122-050000-zz99": { status: 200, body: { backup: backup({ id: "full-20261122-050000-zz99", type: "full", manifest }) } },
    });
    const b = await fetchBackup("full-20261122-050000-zz99");
    expect(b.manifest?.files).toEqual([]);
    const err = await fetchBackup("database-20261123-020000-0000").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isNotFound).toBe(true);
  });
});

describe("syncVerified", () => {
  it("replaces the detail with the verified backup and fetches the status and lists again", () => {
    const qc = new QueryClient();
    const id = backup().id;
    qc.setQueryData<BackupView>(backupKeys.detail(id), backup({ verifyOk: null, verifiedAt: null }));
    qc.setQueryData<BackupTypeStatus[]>(backupKeys.status, [typeStatus()]);
    qc.setQueryData<BackupView[]>(backupKeys.list({}), [backup()]);
    qc.setQueryData<BackupView[]>(backupKeys.list({ type: "database" }), [backup()]);
    syncVerified(qc, {
      ok: false,
      problems: ["postgres.dump is missing"],
      checks: [],
      backup: backup({ verifyOk: false, verifyDetail: "postgres.dump is missing" }),
    });
    expect(qc.getQueryData<BackupView>(backupKeys.detail(id))?.verifyOk).toBe(false);
    expect(qc.getQueryState(backupKeys.status)?.isInvalidated).toBe(true);
    expect(qc.getQueryState(backupKeys.list({}))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(backupKeys.list({ type: "database" }))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(backupKeys.detail(id))?.isInvalidated).toBe(false);
  });
});
