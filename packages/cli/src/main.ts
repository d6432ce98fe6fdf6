import { ConfigError, EnvError, formatIssue, readEnv } from "@ops/config";
import { EventBus, createRedis, resetUserPassword, systemContext } from "@ops/core";
import { createDb } from "@ops/db";
import { normalizeEmail, redactText } from "@ops/domain";
import { UsageError } from "./args.ts";
import { parseBackupArgs, runBackupCommand, type CommandResult } from "./backup.ts";
import { checkConfig, renderReport } from "./config-check.ts";
import { parseHealthArgs, runHealth } from "./health.ts";

const USAGE = `usage: openclaw-ops <command> [options]        (npm run ops -- <command> [options])

commands:
  backup --all | --database | --redis | --workspace | --agent-state | --full
                                                   take backups and verify each (--all: the four types, not full)
  backup --list [--type T] [--limit N]             list backups: id, type, status, finished, size, verified
  backup --verify latest|ID|FOLDER [--type T]      verify: checksums; databases restored into a scratch database
  backup --restore latest|ID [--type T] --yes [--include-console] [--no-safety]
                                                   restore, after a safety backup of the same type (unless --no-safety);
                                                   without --yes, print what it would do and exit 1; --include-console
                                                   allows restoring the console's own database (stop the console first)
  backup --cleanup                                 delete backups past retention (never below the minimum count,
                                                   never the only verified backup)
  health [--watch [SECONDS]] [TARGET]              probe every enabled target (or one): status and reason, and
                                                   whether the console itself is still probing;
                                                   --watch repeats every SECONDS (default 30) until Ctrl-C
  health --console                                 only whether the console is still probing (newest probe result
                                                   of each shard, from its database): for cron
  config check [--json] [--no-ports] [--dir DIR]   validate the configuration files and the fleet's ports; for
                                                   process targets: program, cwd and the gateway's own config
  users reset-password EMAIL                       set a temporary password (printed once) and end the user's sessions

backup and health take --json: one JSON document (health --watch --json: one JSON line per round).
types: database, redis, workspace, agent-state, full

exit codes: 0 ok, 1 problems found (a backup or verification failed, a target is critical/down/unknown,
nothing to restore), 2 bad usage, 3 (health --console) the console is not watching (probing stalled for over
two intervals, or its database does not answer)`;

/** Prints a command's result: the JSON document (one line per round when watching) or the human lines. */
function emit(r: CommandResult, json: boolean, compact = false): void {
  const text = json ? JSON.stringify(r.json, null, compact ? 0 : 2) : r.lines.join("\n");
  process.stdout.write(`${redactText(text)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (group === "--help" || group === "-h" || group === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const color = process.stdout.isTTY === true;
  if (group === "backup") {
    const cmd = parseBackupArgs(argv.slice(1));
    const json = argv.includes("--json");
    const result = await runBackupCommand(cmd, readEnv(), color && !json);
    emit(result, json);
    return result.code;
  }
  if (group === "health") {
    const cmd = parseHealthArgs(argv.slice(1));
    const json = argv.includes("--json");
    return runHealth(cmd, readEnv(), color && !json, (r) => emit(r, json, cmd.watchSeconds !== null));
  }
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
  return usage(group ? `unknown command: ${argv.join(" ")}` : "no command given", true);
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
    const { temporaryPassword } = await resetUserPassword(db, systemContext("cli"), user.id, new EventBus(redis, null, env.OPS_REDIS_PREFIX));
    process.stdout.write(`temporary password for ${email} (shown once; to be changed at next sign-in):\n  ${temporaryPassword}\n`);
    return 0;
  } finally {
    redis.disconnect();
    await db.close();
  }
}

/** Bad usage: the problem, then the full usage for an unknown command or a pointer to it otherwise. */
function usage(problem: string, full = false): number {
  process.stderr.write(`${problem}\n${full ? `\n${USAGE}` : "see `openclaw-ops --help` (npm run ops -- --help) for the commands and their options"}\n`);
  return 2;
}

/** One line naming what failed (no stack trace); with --json, also a JSON document on stdout for scripts. */
function fail(err: unknown, argv: string[]): number {
  const what =
    argv[0] === "backup"
      ? `backup ${argv.find((a) => /^--(all|database|redis|workspace|agent-state|full|list|verify|restore|cleanup)\b/.test(a)) ?? ""}`.trim()
      : (argv[0] ?? "openclaw-ops");
  const message =
    err instanceof ConfigError
      ? `configuration problems: ${err.issues.map((i) => formatIssue(i)).join("; ")}`
      : err instanceof UsageError || err instanceof EnvError
        ? err.message
        : `${what}: ${(err as Error).message ?? String(err)}`;
  const code = err instanceof UsageError ? 2 : 1;
  if (argv.includes("--json") && (argv[0] === "backup" || argv[0] === "health"))
    process.stdout.write(`${JSON.stringify({ ok: false, error: redactText(message) })}\n`);
  if (code === 2) return usage(message);
  process.stderr.write(`${redactText(message)}\n`);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(fail(err, process.argv.slice(2))),
);
