/** Identity: signing in and out, the caller (`/api/auth/*`), and the users an admin manages (`/api/users`). */
import { z } from "zod";

/** The roles, in their canonical order. */
export const ROLES = ["viewer", "oncall", "governance", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What a role lets its holder do; each role's set is the domain's (`@ops/domain` ROLE_PERMISSIONS). */
export const PERMISSIONS = [
  "targets:read",
  "events:read",
  "incidents:write",
  "runbooks:run",
  "healing:control",
  "postmortems:write",
  "proposals:write",
  "votes:cast",
  "tokens:create",
  "tokens:manage-all",
  "users:manage",
  "config:write",
  "audit:read",
  "slos:write",
  "deployments:write",
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/** A user as the API shows it. */
export const UserView = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    roles: z.array(Role),
    disabled: z.boolean(),
    mustChangePassword: z.boolean(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: "User" });
export type UserView = z.infer<typeof UserView>;

/** `{ user }`: the answer to a login and to a change of a user. */
export const UserResponse = z.object({ user: UserView });
export type UserResponse = z.infer<typeof UserResponse>;

// --- /api/auth ---

export const LoginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
export type LoginBody = z.infer<typeof LoginBody>;

export const PasswordChangeBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) });
export type PasswordChangeBody = z.infer<typeof PasswordChangeBody>;

/** The caller as `/api/auth/me` shows them; for an API token, the token's label and roles. */
export const Me = UserView.pick({ id: true, email: true, displayName: true, roles: true, mustChangePassword: true });
export type Me = z.infer<typeof Me>;

/** When the caller's session ends if idle, and at the latest. */
export const SessionInfo = z.object({ idleExpiresAt: z.string(), expiresAt: z.string() });
export type SessionInfo = z.infer<typeof SessionInfo>;

/** `GET /api/auth/me`: the caller, their roles and permissions; `session` is null for an API token. */
export const MeResponse = z.object({
  user: Me,
  permissions: z.array(Permission),
  via: z.enum(["session", "token"]),
  session: SessionInfo.nullable(),
});
export type MeResponse = z.infer<typeof MeResponse>;

// --- /api/users ---

/** The `:id` of a user. */
export const UserParams = z.object({ id: z.uuid() });
export type UserParams = z.infer<typeof UserParams>;

const Roles = z.array(Role).max(ROLES.length);

/** A user as the admin's list shows them: with when they last acted (their last audit row), null if they never did. */
export const UserListItem = UserView.extend({
  lastActionAt: z.string().nullable().describe("the user's newest audit-log row; null: never acted, so the account may be deleted"),
}).meta({ id: "UserListItem" });
export type UserListItem = z.infer<typeof UserListItem>;

export const UserList = z.object({ users: z.array(UserListItem) });
export type UserList = z.infer<typeof UserList>;

/** The answer to deleting a user: the account as it was. */
export const UserDeleted = z.object({ deleted: UserView });
export type UserDeleted = z.infer<typeof UserDeleted>;

/** Invite a user. */
export const InviteUserBody = z.object({ email: z.email().max(320), displayName: z.string().trim().min(1).max(120), roles: Roles });
export type InviteUserBody = z.infer<typeof InviteUserBody>;

/** The invited user and their temporary password, shown this once. */
export const InvitedUser = z.object({ user: UserView, temporaryPassword: z.string() });
export type InvitedUser = z.infer<typeof InvitedUser>;

/** A change of a user's name, roles or disabled flag: at least one of them. */
export const UpdateUserBody = z
  .object({ displayName: z.string().max(120).optional(), roles: Roles.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "give at least one of displayName, roles, disabled" });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** A temporary password set by an admin, shown this once. */
export const TemporaryPassword = z.object({ temporaryPassword: z.string() });
export type TemporaryPassword = z.infer<typeof TemporaryPassword>;
