import { describe, expect, it } from "vitest";
import { UsageError, parseArgs } from "../src/args.ts";
import { parseBackupArgs } from "../src/backup.ts";
import { parseHealthArgs } from "../src/health.ts";

const ID = "database-20261123-020000-a1b2";
const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error("expected a usage error");
};

describe("parseArgs", () => {
  const spec = { "--on": {}, "--name": { takes: "value", hint: "a name" }, "--every": { takes: "optional", accepts: /^\d+$/ } } as const;

  it("reads switches, values (spaced or with =), optional values and positionals", () => {
    const p = parseArgs(["--on", "--name", "x", "--every", "5", "pos"], spec, { command: "t", positionals: 1 });
    expect([...p.options]).toEqual([
      ["--on", true],
      ["--name", "x"],
      ["--every", "5"],
    ]);
    expect(p.positionals).toEqual(["pos"]);
    expect(parseArgs(["--name=y", "--every", "pos"], spec, { command: "t", positionals: 1 })).toEqual({
      options: new Map<string, string | true>([
        ["--name", "y"],
        ["--every", true],
      ]),
      positionals: ["pos"],
    });
  });

  it("names the option in every error", () => {
    expect(usageError(() => parseArgs(["--nope"], spec, { command: "t" }))).toBe("t: unknown option --nope");
    expect(usageError(() => parseArgs(["-x"], spec, { command: "t" }))).toBe("t: unknown option -x");
    expect(usageError(() => parseArgs(["--name"], spec, { command: "t" }))).toBe("t: --name needs a value (a name)");
    expect(usageError(() => parseArgs(["--name", "--on"], spec, { command: "t" }))).toBe("t: --name needs a value (a name)");
    expect(usageError(() => parseArgs(["--name="], spec, { command: "t" }))).toBe('t: --name needs a value (a name), got ""');
    expect(usageError(() => parseArgs(["--on=1"], spec, { command: "t" }))).toBe("t: --on takes no value");
    expect(usageError(() => parseArgs(["--on", "--on"], spec, { command: "t" }))).toBe("t: --on given twice");
    expect(usageError(() => parseArgs(["extra"], spec, { command: "t" }))).toBe('t: unexpected argument "extra"');
  });
});

describe("backup arguments", () => {
  it("takes one type, several, or --all (the four types, not full)", () => {
    expect(parseBackupArgs(["--database"])).toEqual({ action: "take", types: ["database"], named: ["database"] });
    expect(parseBackupArgs(["--all", "--json"])).toEqual({ action: "take", types: ["database", "redis", "workspace", "agent-state"], named: [] });
    expect(parseBackupArgs(["--full", "--redis"])).toMatchObject({ types: ["redis", "full"] });
  });

  it("reads list, verify, restore and cleanup with their modifiers", () => {
    expect(parseBackupArgs(["--list", "--type", "redis"])).toEqual({ action: "list", type: "redis", limit: 50 });
    expect(parseBackupArgs(["--verify", "/backups/database/" + ID + "/manifest.json"])).toMatchObject({
      action: "verify",
      ref: `/backups/database/${ID}/manifest.json`,
    });
    expect(parseBackupArgs(["--restore", ID, "--yes", "--no-safety"])).toEqual({
      action: "restore",
      ref: ID,
      type: undefined,
      yes: true,
      includeConsole: false,
      safety: false,
    });
    expect(parseBackupArgs(["--restore", "latest", "--type", "workspace"])).toMatchObject({ ref: "latest", type: "workspace", yes: false, safety: true });
    expect(parseBackupArgs(["--cleanup"])).toEqual({ action: "cleanup" });
  });

  it("refuses bad usage naming the option", () => {
    expect(usageError(() => parseBackupArgs([]))).toMatch(/^backup: say what to do/);
    expect(usageError(() => parseBackupArgs(["--databse"]))).toBe("backup: unknown option --databse");
    expect(usageError(() => parseBackupArgs(["--verify"]))).toMatch(/^backup: --verify needs a value/);
    expect(usageError(() => parseBackupArgs(["--verify", "--json"]))).toMatch(/^backup: --verify needs a value/);
    expect(usageError(() => parseBackupArgs(["--verify", "database-2026"]))).toMatch(/--verify "database-2026" is neither "latest", a backup id/);
    expect(usageError(() => parseBackupArgs(["--restore", ID, "--type", "workspace"]))).toBe(
      `backup: --restore ${ID} is a database backup, not workspace (--type workspace)`,
    );
    expect(usageError(() => parseBackupArgs(["--restore", "latest"]))).toMatch(/--restore latest needs --type/);
    expect(usageError(() => parseBackupArgs(["--list", "--type", "db"]))).toMatch(/--type "db" is not a backup type/);
    expect(usageError(() => parseBackupArgs(["--list", "--limit", "0"]))).toMatch(/--limit "0"/);
    expect(usageError(() => parseBackupArgs(["--list", "--yes"]))).toBe("backup: --yes does not apply to --list");
    expect(usageError(() => parseBackupArgs(["--database", "--type", "redis"]))).toBe("backup: --type does not apply to --database");
    expect(usageError(() => parseBackupArgs(["--database", "--cleanup"]))).toBe("backup: --database and --cleanup cannot be combined");
  });
});

describe("health arguments", () => {
  it("reads the target and the watch interval (30 s unless given)", () => {
    expect(parseHealthArgs([])).toEqual({ target: undefined, watchSeconds: null, consoleOnly: false });
    expect(parseHealthArgs(["alpha", "--json"])).toEqual({ target: "alpha", watchSeconds: null, consoleOnly: false });
    expect(parseHealthArgs(["--watch", "alpha"])).toEqual({ target: "alpha", watchSeconds: 30, consoleOnly: false });
    expect(parseHealthArgs(["--watch", "5", "alpha"])).toEqual({ target: "alpha", watchSeconds: 5, consoleOnly: false });
    expect(parseHealthArgs(["--watch=10"])).toEqual({ target: undefined, watchSeconds: 10, consoleOnly: false });
    expect(parseHealthArgs(["--console", "--json"])).toEqual({ target: undefined, watchSeconds: null, consoleOnly: true });
  });

  it("refuses bad usage naming the option", () => {
    expect(usageError(() => parseHealthArgs(["--watch", "0"]))).toMatch(/^health: --watch 0/);
    expect(usageError(() => parseHealthArgs(["--watch=soon"]))).toMatch(/^health: --watch needs a value/);
    expect(usageError(() => parseHealthArgs(["--verbose"]))).toBe("health: unknown option --verbose");
    expect(usageError(() => parseHealthArgs(["alpha", "beta"]))).toBe('health: unexpected argument "beta"');
    expect(usageError(() => parseHealthArgs(["--console", "alpha"]))).toMatch(/^health: --console .* no TARGET/);
  });
});
