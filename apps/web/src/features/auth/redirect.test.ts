import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api.ts";
import { accountHref, afterLogin, isLoginPath, isSessionLoss, loginHref, safeNext } from "./redirect.ts";

describe("safeNext", () => {
  it("keeps same-origin relative paths with their query", () => {
    expect(safeNext("/")).toBe("/");
    expect(safeNext("/targets/alpha?range=24h")).toBe("/targets/alpha?range=24h");
    expect(safeNext("/audit?tab=security#x")).toBe("/audit?tab=security#x");
    expect(safeNext("/targets/web%20bridge")).toBe("/targets/web%20bridge");
  });

  it.each([
    null,
    undefined,
    "",
    "targets",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /targets",
    "http:/evil.example",
  ])("rejects %j", (raw) => {
    expect(safeNext(raw)).toBe("/");
  });

  it("never sends back to the login page", () => {
    expect(safeNext("/login")).toBe("/");
    expect(safeNext("/login?next=%2Ftokens")).toBe("/");
  });

  it("normalises dot segments without leaving the origin", () => {
    expect(safeNext("/a/../../tokens")).toBe("/tokens");
  });
});

describe("login and account hrefs", () => {
  it("carries the current page as next", () => {
    expect(loginHref("/targets/alpha?range=7d")).toBe("/login?next=%2Ftargets%2Falpha%3Frange%3D7d");
    expect(loginHref("//evil.example")).toBe("/login?next=%2F");
  });

  it("sends users who must change their password to the account page first", () => {
    expect(afterLogin(false, "/tokens")).toBe("/tokens");
    expect(afterLogin(false, null)).toBe("/");
    expect(afterLogin(true, "/tokens")).toBe("/account?next=%2Ftokens");
    expect(afterLogin(true, null)).toBe("/account");
    expect(accountHref("/account?next=%2Ftokens")).toBe("/account");
    expect(afterLogin(true, "https://evil.example")).toBe("/account");
  });

  it("recognises the login path", () => {
    expect(isLoginPath("/login")).toBe(true);
    expect(isLoginPath("/login/")).toBe(true);
    expect(isLoginPath("/loginx")).toBe(false);
  });
});

describe("isSessionLoss", () => {
  it("is a 401 without a field, unless the caller handles it", () => {
    expect(isSessionLoss(new ApiError(401, "UNAUTHENTICATED", "x"))).toBe(true);
    expect(isSessionLoss(new ApiError(401, "UNAUTHENTICATED", "wrong", "currentPassword"))).toBe(false);
    expect(isSessionLoss(new ApiError(401, "UNAUTHENTICATED", "x"), { ownsUnauthenticated: true })).toBe(false);
    expect(isSessionLoss(new ApiError(403, "FORBIDDEN", "x"))).toBe(false);
    expect(isSessionLoss(new Error("401"))).toBe(false);
  });
});
