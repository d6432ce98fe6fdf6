import type { InviteUserBody, Role, UserListItem, UserView } from "@ops/contract";

export type InviteError = { field: keyof InviteUserBody; message: string };

// Deliberately loose: the server decides; this only catches typos before the round trip.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateInvite(invite: InviteUserBody): InviteError | null {
  if (!EMAIL.test(invite.email.trim())) return { field: "email", message: "Enter a valid email address." };
  if (invite.displayName.trim() === "") return { field: "displayName", message: "Enter a display name." };
  if (invite.roles.length === 0) return { field: "roles", message: "Pick at least one role." };
  return null;
}

/** Active users first, then by email; disabled accounts sink to the bottom. */
export function sortUsers<U extends UserView>(users: readonly U[]): U[] {
  return [...users].sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.email.localeCompare(b.email));
}

/** A changed user put back in the list, keeping what only the list knows (when they last acted). */
export function replaceUser(users: UserListItem[] | undefined, user: UserView): UserListItem[] | undefined {
  return users?.map((u) => (u.id === user.id ? { ...u, ...user } : u));
}

/** The list as shown: disabled accounts hidden unless asked for (they pile up), active first, then by email. */
export function visibleUsers(users: readonly UserListItem[], showDisabled: boolean): UserListItem[] {
  return sortUsers(showDisabled ? users : users.filter((u) => !u.disabled));
}

/** An account may be deleted when it never acted (the audit log names no action of theirs) and is not the viewer's own. */
export function deletable(user: UserListItem, selfId: string): boolean {
  return user.lastActionAt === null && user.id !== selfId;
}

/** Checkboxes an admin may not untick on their own row (the server refuses it anyway). */
export function selfRoleLocks(selfId: string, user: UserView): Partial<Record<Role, string>> {
  if (user.id !== selfId || !user.roles.includes("admin")) return {};
  return { admin: "You cannot remove your own admin role" };
}

export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}
