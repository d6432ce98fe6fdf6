import { z } from "zod";
import { DateText } from "./common.ts";
import { Role } from "./identity.ts";

/** API tokens (`/api/tokens`). */

export const TokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    roles: z.array(Role),
    createdBy: z.object({ id: z.string(), email: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    /** The governance member the token votes as (an agent of the triad), if an admin bound it to one. */
    member: z.string().nullable().describe("the governance member this token votes as"),
  })
  .meta({ id: "ApiToken" });
export type TokenView = z.infer<typeof TokenView>;

export const TokenList = z.object({ tokens: z.array(TokenView) });
export type TokenList = z.infer<typeof TokenList>;

/** A machine identity with at most its creator's roles. */
export const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(120),
  roles: z.array(Role).min(1, "give the token at least one role"),
  expiresAt: DateText.optional(),
  member: z.string().trim().min(1).max(120).optional().describe("admins only: the governance member (e.g. alpha) this token votes as"),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

/** The new token and its secret, returned this once. */
export const CreatedToken = z.object({ token: TokenView, secret: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

/** The `:id` of a token. */
export const TokenParams = z.object({ id: z.uuid() });
export type TokenParams = z.infer<typeof TokenParams>;
