import type { InviteUserBody, Role, UserView } from "@ops/contract";

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
export function sortUsers(users: readonly UserView[]): UserView[] {
  return [...users].sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.email.localeCompare(b.email));
}

export function replaceUser(users: UserView[] | undefined, user: UserView): UserView[] | undefined {
  return users?.map((u) => (u.id === user.id ? user : u));
}

/** Checkboxes an admin may not untick on their own row (the server refuses it anyway). */
export function selfRoleLocks(selfId: string, user: UserView): Partial<Record<Role, string>> {
  if (user.id !== selfId || !user.roles.includes("admin")) return {};
  return { admin: "You cannot remove your own admin role" };
}

export function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}
