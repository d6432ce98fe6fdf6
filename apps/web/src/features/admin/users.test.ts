import type { UserView } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { replaceUser, sameRoles, selfRoleLocks, sortUsers, validateInvite } from "./users.ts";

const user = (over: Partial<UserView>): UserView => ({
  id: "u1",
  email: "a@example.com",
  displayName: "A",
  roles: ["viewer"],
  disabled: false,
  mustChangePassword: false,
  createdAt: "2026-11-01T00:00:00Z",
  lastLoginAt: null,
  ...over,
});

describe("validateInvite", () => {
  it("needs an email, a name and at least one role", () => {
    expect(validateInvite({ email: "ops@example.com", displayName: "Ops", roles: ["viewer"] })).toBeNull();
    expect(validateInvite({ email: "ops@", displayName: "Ops", roles: ["viewer"] })?.field).toBe("email");
    expect(validateInvite({ email: "ops@example.com", displayName: "  ", roles: ["viewer"] })?.field).toBe("displayName");
    expect(validateInvite({ email: "ops@example.com", displayName: "Ops", roles: [] })?.field).toBe("roles");
  });
});

describe("user list helpers", () => {
  it("sorts active users by email before disabled ones", () => {
    const list = [user({ id: "1", email: "c@x.io", disabled: true }), user({ id: "2", email: "b@x.io" }), user({ id: "3", email: "a@x.io" })];
    expect(sortUsers(list).map((u) => u.id)).toEqual(["3", "2", "1"]);
  });

  it("replaces one user by id", () => {
    const list = [user({ id: "1" }), user({ id: "2" })];
    const next = replaceUser(list, user({ id: "2", disabled: true }));
    expect(next?.[1]?.disabled).toBe(true);
    expect(next?.[0]).toBe(list[0]);
    expect(replaceUser(undefined, user({}))).toBeUndefined();
  });

  it("locks the admin checkbox only on an admin's own row", () => {
    expect(selfRoleLocks("u1", user({ id: "u1", roles: ["admin"] }))).toHaveProperty("admin");
    expect(selfRoleLocks("u1", user({ id: "u2", roles: ["admin"] }))).toEqual({});
    expect(selfRoleLocks("u1", user({ id: "u1", roles: ["viewer"] }))).toEqual({});
  });

  it("compares role sets regardless of order", () => {
    expect(sameRoles(["viewer", "admin"], ["admin", "viewer"])).toBe(true);
    expect(sameRoles(["viewer"], ["viewer", "admin"])).toBe(false);
  });
});
