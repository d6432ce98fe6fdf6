import { prepareDatabase } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BusFrame, FramePublisher } from "../src/bus.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../src/identity/api-tokens.ts";
import type { RequestContext } from "../src/identity/context.ts";
import { openTestStack } from "../src/testing.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let owner: RequestContext;

/** The frames the verb publishes; `deliver` says whether the bus takes them. */
function recorder(deliver: boolean) {
  const frames: BusFrame[] = [];
  const bus: FramePublisher = {
    publish: async (frame) => {
      frames.push(frame);
      return deliver;
    },
  };
  return { frames, bus };
}

beforeAll(async () => {
  stack = await openTestStack();
  await prepareDatabase(stack.databaseUrl);
  const [u] = await stack.db.sql<
    { id: string }[]
  >`INSERT INTO users (email, display_name, password_hash, roles) VALUES ('owner@x.io', 'Owner', 'h', '{oncall}') RETURNING id`;
  owner = { actor: { type: "user", id: u!.id, label: "owner@x.io", roles: ["oncall"], sessionHash: null }, ip: null, userAgent: null, requestId: null };
});
afterAll(async () => {
  await stack?.close();
});

describe("[AUTH] revoking an API token tells every API process, after the revocation commits", () => {
  it("publishes token.revoked once the token is revoked", async () => {
    const { token } = await createApiToken(stack.db, owner, { name: "bot", roles: ["viewer"] });
    expect(token).toMatchObject({ name: "bot", roles: ["viewer"], createdBy: { id: owner.actor.id, email: "owner@x.io" }, revokedAt: null, member: null });
    const { frames, bus } = recorder(true);
    await revokeApiToken(stack.db, owner, token.id, { bus });
    expect(frames).toEqual([{ type: "token.revoked", tokenId: token.id, reason: "token revoked" }]);
    const [listed] = (await listApiTokens(stack.db, owner)).filter((t) => t.id === token.id);
    expect(listed?.revokedAt).not.toBeNull();
  });

  it("a bus that does not take the frame earns a warning, never a failure", async () => {
    const { token } = await createApiToken(stack.db, owner, { name: "bot 2", roles: ["viewer"] });
    const { bus } = recorder(false);
    const warnings: string[] = [];
    await revokeApiToken(stack.db, owner, token.id, { bus, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(["could not announce a token revocation on the bus"]);
    const [row] = await stack.db.sql<{ revokedAt: Date | null }[]>`SELECT revoked_at AS "revokedAt" FROM api_tokens WHERE id = ${token.id}`;
    expect(row?.revokedAt).not.toBeNull();
  });

  it("someone else's token is not found, and nothing is published", async () => {
    const { token } = await createApiToken(stack.db, owner, { name: "bot 3", roles: ["viewer"] });
    const other: RequestContext = {
      ...owner,
      actor: { type: "user", id: "00000000-0000-4000-8000-000000000009", label: "other", roles: ["oncall"], sessionHash: null },
    };
    const { frames, bus } = recorder(true);
    await expect(revokeApiToken(stack.db, other, token.id, { bus })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(frames).toEqual([]);
  });
});
