import type { TokenView } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { canRevoke, dateInputValue, expiryFromDateInput, sortTokens, tokenState, validateNewToken } from "./tokens.ts";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const token = (over: Partial<TokenView>): TokenView => ({
  id: "t1",
  name: "triad",
  prefix: "oco_3fA9",
  roles: ["oncall"],
  createdBy: { id: "u1", email: "a@example.com" },
  createdAt: "2026-11-01T00:00:00Z",
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  member: null,
  ...over,
});

describe("tokenState", () => {
  it("is revoked, expired or active", () => {
    expect(tokenState(token({}), NOW)).toBe("active");
    expect(tokenState(token({ expiresAt: "2026-12-01T00:00:00Z" }), NOW)).toBe("active");
    expect(tokenState(token({ expiresAt: "2026-11-01T00:00:00Z" }), NOW)).toBe("expired");
    expect(tokenState(token({ revokedAt: "2026-11-02T00:00:00Z", expiresAt: "2026-11-01T00:00:00Z" }), NOW)).toBe("revoked");
  });

  it("sorts active tokens first, newest first", () => {
    const list = [
      token({ id: "old", createdAt: "2026-10-01T00:00:00Z" }),
      token({ id: "revoked", revokedAt: "2026-11-20T00:00:00Z", createdAt: "2026-11-20T00:00:00Z" }),
      token({ id: "new", createdAt: "2026-11-10T00:00:00Z" }),
    ];
    expect(sortTokens(list, NOW).map((t) => t.id)).toEqual(["new", "old", "revoked"]);
  });
});

describe("canRevoke", () => {
  it("allows own active tokens, or any with manage-all", () => {
    expect(canRevoke(token({}), "u1", false, NOW)).toBe(true);
    expect(canRevoke(token({}), "u2", false, NOW)).toBe(false);
    expect(canRevoke(token({}), "u2", true, NOW)).toBe(true);
    expect(canRevoke(token({ revokedAt: "2026-11-02T00:00:00Z" }), "u1", true, NOW)).toBe(false);
  });
});

describe("expiry dates", () => {
  it("turns a date input into the end of that local day", () => {
    const iso = expiryFromDateInput("2026-12-31");
    expect(iso).not.toBeNull();
    const d = new Date(iso!);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([2026, 11, 31, 23, 59]);
    expect(dateInputValue(d.getTime())).toBe("2026-12-31");
  });

  it("rejects malformed and impossible dates", () => {
    expect(expiryFromDateInput("")).toBeNull();
    expect(expiryFromDateInput("31/12/2026")).toBeNull();
    expect(expiryFromDateInput("2026-02-30")).toBeNull();
  });
});

describe("validateNewToken", () => {
  it("needs a name, a role and a future expiry if one is given", () => {
    expect(validateNewToken("triad", ["oncall"], "", NOW)).toBeNull();
    expect(validateNewToken("triad", ["oncall"], "2027-01-01", NOW)).toBeNull();
    expect(validateNewToken(" ", ["oncall"], "", NOW)?.field).toBe("name");
    expect(validateNewToken("triad", [], "", NOW)?.field).toBe("roles");
    expect(validateNewToken("triad", ["oncall"], "2026-01-01", NOW)?.field).toBe("expiresAt");
  });
});
