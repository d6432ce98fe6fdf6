import type { Role } from "@ops/domain";

// A user as read from the users table, and as the API shows it: both users.ts and sessions.ts read users.
export type UserView = {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
};

export type UserRow = {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  disabledAt: Date | null;
  mustChangePassword: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
};

export function userColumns(alias = ""): string {
  const a = alias ? `${alias}.` : "";
  return `${a}id, ${a}email, ${a}display_name AS "displayName", ${a}roles, ${a}disabled_at AS "disabledAt",
    ${a}must_change_password AS "mustChangePassword", ${a}created_at AS "createdAt", ${a}last_login_at AS "lastLoginAt"`;
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
