/** API tokens (`/api/tokens`). */

export type Role = "viewer" | "oncall" | "governance" | "admin";

export type TokenView = {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  createdBy: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The governance member the token votes as (an agent of the triad), if an admin bound it to one. */
  member: string | null;
};
