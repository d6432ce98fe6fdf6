import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { createUser, systemContext, verifyPassword } from "@ops/core";
import { openTestStack } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: Awaited<ReturnType<typeof openTestStack>>;
beforeAll(async () => {
  stack = await openTestStack();
});
afterAll(async () => {
  await stack?.close();
});

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/main.ts"), ...args], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, OPS_REDIS_PREFIX: stack.prefix },
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("openclaw-ops users reset-password", () => {
  it("prints a temporary password once, which then signs in, and audits the reset as the CLI", async () => {
    const { user } = await createUser(
      stack.db,
      systemContext("test"),
      { email: "lost@test.local", displayName: "Lost", roles: ["admin"] },
      "forgotten password 123",
    );
    const r = cli(["users", "reset-password", "LOST@test.local"]);
    expect(r.status).toBe(0);
    const temp = /\n {2}(\S+)\n$/.exec(r.stdout)?.[1] ?? "";
    expect(temp).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
    const [row] = await stack.db.sql<{ passwordHash: string; mustChangePassword: boolean }[]>`
      SELECT password_hash AS "passwordHash", must_change_password AS "mustChangePassword" FROM users WHERE id = ${user.id}`;
    expect(await verifyPassword(row!.passwordHash, temp)).toBe(true);
    expect(row!.mustChangePassword).toBe(true);
    const [audit] = await stack.db.sql<{ actorLabel: string; after: unknown }[]>`
      SELECT actor_label AS "actorLabel", after FROM audit_log WHERE action = 'user.password.reset' AND target_id = ${user.id}`;
    expect(audit!.actorLabel).toBe("cli");
    expect(JSON.stringify(audit!.after)).not.toContain(temp);
  });

  it("says so when the user does not exist", () => {
    const r = cli(["users", "reset-password", "ghost@test.local"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no user with the email ghost@test.local");
  });
});
