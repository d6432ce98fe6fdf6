import type { UserListItem } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { deletable, replaceUser, sameRoles, selfRoleLocks, sortUsers, validateInvite, visibleUsers } from "./users.ts";

const user = (over: Partial<UserListItem>): UserListItem => ({
  id: "u1",
  email: "a@example.com",
  displayName: "A",
  roles: ["viewer"],
  disabled: false,
  mustChangePassword: false,
  createdAt: "2026-11-01T00:00:00Z",
  lastLoginAt: null,
  lastActionAt: null,
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

  it("hides disabled accounts unless asked, active first", () => {
    const list = [user({ id: "1", email: "c@x.io", disabled: true }), user({ id: "2", email: "b@x.io" }), user({ id: "3", email: "a@x.io" })];
    expect(visibleUsers(list, false).map((u) => u.id)).toEqual(["3", "2"]);
    expect(visibleUsers(list, true).map((u) => u.id)).toEqual(["3", "2", "1"]);
  });

  it("offers deletion only for someone else who never acted", () => {
    expect(deletable(user({ id: "u2" }), "u1")).toBe(true);
    expect(deletable(user({ id: "u2", lastActionAt: "2026-12-01T00:00:00Z" }), "u1")).toBe(false);
    expect(deletable(user({ id: "u1" }), "u1")).toBe(false);
  });

  it("keeps when a user last acted when the user is replaced after a change", () => {
    const list = [user({ id: "1", lastActionAt: "2026-12-01T00:00:00Z" })];
    const { lastActionAt: _, ...changed } = user({ id: "1", disabled: true });
    expect(replaceUser(list, changed)?.[0]).toMatchObject({ disabled: true, lastActionAt: "2026-12-01T00:00:00Z" });
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
