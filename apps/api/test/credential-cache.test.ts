import { describe, expect, it } from "vitest";
import { CredentialCache } from "../src/plugins/auth.ts";

describe("CredentialCache", () => {
  it("believes an entry for its TTL, never past the credential's own expiry", () => {
    const c = new CredentialCache<string>(5000);
    c.set("a", "A", ["u1"], null, 0);
    c.set("b", "B", ["u1"], 2000, 0);
    c.set("gone", "G", ["u1"], 0, 0);
    expect([c.get("a", 4999), c.get("b", 1999), c.get("gone", 0)]).toEqual(["A", "B", undefined]);
    expect([c.get("a", 5000), c.get("b", 2000)]).toEqual([undefined, undefined]);
    expect(c.size).toBe(0);
  });

  it("drops every entry of a revoked owner, and only those", () => {
    const c = new CredentialCache<string>(5000);
    c.set("s1", "session of u1", ["u1"], null, 0);
    c.set("t1", "token t1 of u1", ["t1", "u1"], null, 0);
    c.set("t2", "token t2 of u2", ["t2", "u2"], null, 0);
    c.dropOwner("t2");
    expect([c.get("t2", 1), c.get("t1", 1)]).toEqual([undefined, "token t1 of u1"]);
    c.dropOwner("u1");
    expect([c.get("s1", 1), c.get("t1", 1), c.size]).toEqual([undefined, undefined, 0]);
  });

  it("holds at most `max` entries, forgetting the oldest", () => {
    const c = new CredentialCache<number>(5000, 2);
    c.set("a", 1, [], null, 0);
    c.set("b", 2, [], null, 0);
    c.set("c", 3, [], null, 0);
    expect([c.get("a", 1), c.get("b", 1), c.get("c", 1)]).toEqual([undefined, 2, 3]);
  });
});
