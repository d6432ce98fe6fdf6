import type { UserView } from "@ops/contract";
import { columns, users, type Row } from "@ops/db";

export type { UserView } from "@ops/contract";

// A user as read from the users table (without its secrets), and as the API shows it: both users.ts and
// sessions.ts read users.
const USER_KEYS = ["id", "email", "displayName", "roles", "disabledAt", "mustChangePassword", "createdAt", "lastLoginAt"] as const;

export type UserRow = Pick<Row<typeof users>, (typeof USER_KEYS)[number]>;

export function userColumns(alias?: string): string {
  return columns(users, { alias, only: USER_KEYS });
}

export function toUserView(r: UserRow): UserView {
  return {
    id: r.id,
    email: r.email,
    displayName: r.displayName,
    roles: r.roles,
    disabled: r.disabledAt !== null,
    mustChangePassword: r.mustChangePassword,
    createdAt: r.createdAt.toISOString(),
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
  };
}
