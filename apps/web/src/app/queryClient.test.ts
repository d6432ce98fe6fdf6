import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { confirmSessionEnded, endSession } from "../features/auth/queries.ts";
import { ApiError } from "../lib/api.ts";
import { authKeys } from "../lib/query-keys.ts";
import { createQueryClient } from "./queryClient.ts";

type Reply = { status: number; body?: unknown };

function stubFetch(replies: Record<string, Reply>) {
  const fetch = vi.fn(async (path: string) => {
    const r = replies[path] ?? { status: 404, body: { code: "NOT_FOUND", message: "no" } };
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), { status: r.status });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

const ME = {
  user: { id: "u1", email: "a@x.io", displayName: "A", roles: ["admin"], mustChangePassword: false },
  permissions: [],
  via: "session",
  session: null,
};

describe("session end handling", () => {
  let replaced: string[];

  beforeEach(() => {
    replaced = [];
    const location = { pathname: "/targets/alpha", search: "?range=24h" };
    vi.stubGlobal("window", {
      location,
      history: {
        replaceState: (_: unknown, __: string, to: string) => {
          replaced.push(to);
          const [p, q] = to.split("?");
          location.pathname = p ?? "/";
          location.search = q ? `?${q}` : "";
        },
        pushState: () => {},
      },
      scrollTo: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
    });
  });

  afterEach(() => vi.unstubAllGlobals());

  it("endSession goes to the login page with next and forgets the cache, once", () => {
    const qc = new QueryClient();
    qc.setQueryData(["targets"], [1]);
    endSession(qc);
    endSession(qc);
    expect(replaced).toEqual(["/login?next=%2Ftargets%2Falpha%3Frange%3D24h"]);
    expect(qc.getQueryData(["targets"])).toBeUndefined();
  });

  it("reconnects instead of logging out when the session is still good (password change rotated it)", async () => {
    stubFetch({ "/api/auth/me": { status: 200, body: ME } });
    const qc = new QueryClient();
    let resolvePassword!: () => void;
    const pending = qc
      .getMutationCache()
      .build(qc, { mutationKey: authKeys.password(), mutationFn: () => new Promise<void>((r) => (resolvePassword = r)) })
      .execute(undefined);
    const stillSignedIn = vi.fn();
    const done = confirmSessionEnded(qc, stillSignedIn);
    await Promise.resolve();
    expect(stillSignedIn).not.toHaveBeenCalled();
    resolvePassword();
    await pending;
    await done;
    expect(stillSignedIn).toHaveBeenCalledTimes(1);
    expect(replaced).toEqual([]);
  });

  it("goes to the login page when the API no longer knows the session", async () => {
    stubFetch({ "/api/auth/me": { status: 401, body: { statusCode: 401, code: "UNAUTHENTICATED", message: "sign in" } } });
    const qc = createQueryClient();
    const stillSignedIn = vi.fn();
    await confirmSessionEnded(qc, stillSignedIn);
    expect(stillSignedIn).not.toHaveBeenCalled();
    expect(replaced).toEqual(["/login?next=%2Ftargets%2Falpha%3Frange%3D24h"]);
  });

  it("sends any 401 from a query or mutation to the login page, but not a wrong current password", async () => {
    const qc = createQueryClient();
    const wrong = qc.getMutationCache().build(qc, {
      mutationFn: () => Promise.reject(new ApiError(401, "UNAUTHENTICATED", "wrong", "currentPassword")),
    });
    await wrong.execute(undefined).catch(() => {});
    expect(replaced).toEqual([]);
    await qc
      .fetchQuery({ queryKey: ["targets"], queryFn: () => Promise.reject(new ApiError(401, "UNAUTHENTICATED", "expired")), retry: false })
      .catch(() => {});
    expect(replaced).toEqual(["/login?next=%2Ftargets%2Falpha%3Frange%3D24h"]);
  });
});
