import { EnvError, readEnv } from "@ops/config";
import { EventBus, createRedis, resetUserPassword, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import { normalizeEmail } from "@ops/domain";
import { checkConfig, renderReport } from "./config-check.ts";

const USAGE = `usage: openclaw-ops <command> [options]

commands:
  config check [--json] [--no-ports] [--dir DIR]   validate the configuration files and the fleet's ports
  users reset-password EMAIL                       set a temporary password (printed once) and end the user's sessions

exit codes: 0 ok, 1 problems found, 2 bad usage`;

async function main(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (group === "config" && verb === "check") {
    const json = rest.includes("--json");
    const dirAt = rest.indexOf("--dir");
    const env = readEnv();
    const dir = dirAt >= 0 ? rest[dirAt + 1] : env.OPS_CONFIG_DIR;
    if (!dir) return usage("--dir needs a folder");
    const report = await checkConfig(dir, { ports: !rest.includes("--no-ports"), consolePort: env.PORT });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, process.stdout.isTTY)}\n`);
    return report.ok ? 0 : 1;
  }
  if (group === "users" && verb === "reset-password") {
    const email = rest[0];
    if (!email) return usage("users reset-password needs an email");
    return resetPassword(normalizeEmail(email));
  }
  return usage(group ? `unknown command: ${argv.join(" ")}` : "no command given");
}

/** Recovery for a lost password, run on the server by someone with shell access; audited as "cli". */
async function resetPassword(email: string): Promise<number> {
  const env = readEnv();
  const db = createDb(env.DATABASE_URL, { max: 1, applicationName: "openclaw-ops-cli" });
  const redis = createRedis(env.REDIS_URL, { name: "openclaw-ops-cli" });
  try {
    const [user] = await db.sql<{ id: string }[]>`SELECT id FROM users WHERE lower(email) = ${email}`;
    if (!user) {
      process.stderr.write(`no user with the email ${email}\n`);
      return 1;
    }
    const { temporaryPassword } = await resetUserPassword(db, systemContext("cli"), user.id);
    await new EventBus(redis, null, env.OPS_REDIS_PREFIX).publish({ type: "session.revoked", userId: user.id, reason: "password reset from the CLI" });
    process.stdout.write(`temporary password for ${email} (shown once; to be changed at next sign-in):\n  ${temporaryPassword}\n`);
    return 0;
  } finally {
    redis.disconnect();
    await db.close();
  }
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof EnvError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
