import { EnvError, readEnv } from "@ops/config";
import { checkConfig, renderReport } from "./config-check.ts";

const USAGE = `usage: openclaw-ops <command> [options]

commands:
  config check [--json] [--no-ports] [--dir DIR]   validate the configuration files and the fleet's ports

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
  return usage(group ? `unknown command: ${argv.join(" ")}` : "no command given");
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
