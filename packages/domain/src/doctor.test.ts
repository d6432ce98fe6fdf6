import { describe, expect, it } from "vitest";
import {
  deterministicFailure,
  diagnose,
  DIAGNOSIS_THRESHOLD,
  evidenceText,
  failureLines,
  normaliseFailureLine,
  signatureOf,
  successRate,
  type Case,
  type DoctorEvidence,
} from "./doctor.ts";

const ev = (output: string[], more: Partial<DoctorEvidence> = {}): DoctorEvidence => ({ exit: null, output, probe: null, findings: [], ...more });
const kase = (id: string, more: Partial<Case>): Case => ({
  id,
  title: id,
  errorCode: "X",
  signature: null,
  keywords: [],
  requires: [],
  exitCodes: [],
  solution: "",
  actions: [],
  ...more,
});

// What the real gateway prints (packages/domain/fixtures/openclaw/ has the full runs).
const START = [
  "2026-12-05T09:24:25.373+00:00 [gateway] loading configuration…",
  "2026-12-05T09:24:26.139+00:00 [gateway] resolving authentication…",
  "2026-12-05T09:24:26.144+00:00 [gateway] starting...",
  "2026-12-05T09:24:26.931+00:00 [gateway] shutdown budget at startup: drain=315000ms shutdown=325000ms reserve=10000ms exitMargin=5000ms; source=Gateway stop policy=330000ms",
  "2026-12-05T09:24:27.289+00:00 [gateway] spawn broker ready pid=9601",
];
const HEALTHY = [
  ...START,
  "2026-12-05T09:25:35.410+00:00 [gateway] starting HTTP server...",
  "2026-12-05T09:25:42.567+00:00 [gateway] agent model: openai/gpt-6-astra (thinking=medium, fast=off)",
  "2026-12-05T09:25:42.594+00:00 [gateway] http server listening (14 plugins: anthropic, browser, canvas, memory-core, ollama, openai; 21.6s)",
  "2026-12-05T09:25:42.601+00:00 [gateway] log file: <state>/logs/gateway.log",
  "2026-12-05T09:25:46.275+00:00 [gateway] starting channels and sidecars...",
  "2026-12-05T09:25:47.666+00:00 [gateway] ready",
  "2026-12-05T09:25:48.514+00:00 [gateway] remote model catalog refresh failed: getaddrinfo ENOTFOUND catalog.openclaw.ai",
  "[sqlite/transaction] slow SQLite transaction hold async=false elapsedMs=1260 isMainThread=false pid=9820 threadId=3 thresholdMs=1000",
  "2026-12-05T09:26:11.244+00:00 [gateway] received SIGTERM; shutting down",
  "2026-12-05T09:26:11.250+00:00 [gateway] update check readiness wait failed: GatewayDrainingError: gateway is draining for restart",
  "2026-12-05T09:26:11.479+00:00 [shutdown] completed cleanly in 219ms",
];
const SCHEMA = [
  ...START,
  "2026-12-05T09:22:54.654+00:00 Gateway failed to start: Invalid config at /tmp/oc-x/openclaw.json:",
  "openclaw.json:4 — gateway.port: Invalid input: expected number, received string",
  'openclaw.json:2 — gateway: Unrecognized key: "bogusKey"',
  'Run "openclaw doctor --fix" to repair, then retry.',
  "If startup is still blocked, inspect the adjacent .bak backup before restoring it manually.",
  '2026-12-05T09:22:54.660+00:00 Run "openclaw doctor --fix" to repair the config, then retry.',
];
const PARSE = [
  ...START,
  "2026-12-05T09:24:01.168+00:00 Gateway failed to start: Invalid config at /tmp/oc-y/openclaw.json:",
  "<root>: JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 10:5",
  'Run "openclaw doctor --fix" to repair, then retry.',
];
const BLOCKED = [
  "2026-12-05T09:22:46.221+00:00 [gateway] loading configuration…",
  "2026-12-05T09:22:46.270+00:00 Gateway start blocked: existing config is missing gateway.mode. Treat this as suspicious or clobbered config. Re-run `openclaw onboard --mode local` or `openclaw setup`, set gateway.mode=local manually, or pass --allow-unconfigured.",
  "2026-12-05T09:22:46.273+00:00 Config write audit: SQLite diagnostic_events/config-audit state (latest 50000 rows)",
];
const PORT = [
  ...START,
  "2026-12-05T09:26:07.970+00:00 Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:18789 | listen EADDRINUSE: address already in use 127.0.0.1:18789 | EADDRINUSE",
  "If the gateway is supervised, stop it with: openclaw gateway stop",
  "2026-12-05T09:26:08.144+00:00 Port 18789 is already in use.",
  "2026-12-05T09:26:08.146+00:00 - pid 9820 root: openclaw-gateway (127.0.0.1:18789)",
];
const jsonl = (level: string, message: string) =>
  JSON.stringify({
    "0": message,
    _meta: { runtime: "node", hostname: "vm", logLevelId: level === "INFO" ? 3 : 5, logLevelName: level, name: "openclaw" },
    time: "2026-12-05T09:24:28.755+00:00",
    hostname: "vm",
    message,
  });

describe("normaliseFailureLine", () => {
  it.each([
    ["timestamp and [subsystem] prefix", "2026-12-05T09:22:54.654+00:00 [gateway/ws] handshake timeout", "handshake timeout"],
    ["Z timestamps and times inside", "2026-11-23T05:40:08.741Z [lifecycle] stopped at 2026-11-23T05:41:00Z", "stopped at <time>"],
    ["pids", "spawn broker crashed pid=9601", "spawn broker crashed pid=<n>"],
    ["ports and addresses", "listen EADDRINUSE: address already in use 127.0.0.1:8001", "listen eaddrinuse: address already in use <addr>"],
    ["IPv6 addresses", "- pid 9820 root: openclaw-gateway ([::1]:18789)", "- pid <n> root: openclaw-gateway (<addr>)"],
    ["urls", "already listening on ws://127.0.0.1:8001 | EADDRINUSE", "already listening on <url> | eaddrinuse"],
    ["paths", "Invalid config at /root/.openclaw/openclaw.json:", "invalid config at <path>"],
    ["redacted state paths", "Invalid config at <state>/openclaw.json:", "invalid config at <path>"],
    ["file:line", "openclaw.json:4 — gateway.port: Invalid input", "<file> — gateway.port: invalid input"],
    ["durations", "handshake timed out after 3000ms (1.5s budget, 2 min total)", "handshake timed out after <dur> (<dur> budget, <dur> total)"],
    ["ids and hex", "run=4f9c2a1b lock a1b2c3d4e5 uuid 123e4567-e89b-12d3-a456-426614174000 at 0x7ffd", "run=<id> lock <id> uuid <id> at <id>"],
    ["quoted values", `Unrecognized key: "bogusKey" got 'x' run \`openclaw setup\``, "unrecognized key: <value> got <value> run <value>"],
    ["line:col", "SyntaxError: JSON5: invalid end of input at 2:1", "syntaxerror: json5: invalid end of input"],
    ["flags are not paths", "pass --token/--password to start with auth", "pass --token/--password to start with auth"],
  ])("%s", (_, line, want) => {
    expect(normaliseFailureLine(line)).toBe(want);
  });
  it("is idempotent, so a case's stored signature compares with a fresh one", () => {
    for (const l of [...SCHEMA, ...PORT, ...BLOCKED]) expect(normaliseFailureLine(normaliseFailureLine(l))).toBe(normaliseFailureLine(l));
  });
});

describe("failureLines", () => {
  it.each([
    ["a normal start-up and shutdown (offline catalog refresh, slow SQLite notice, SIGTERM)", HEALTHY, []],
    ["JSONL INFO lines", [jsonl("INFO", "loading configuration…"), jsonl("INFO", "remote model catalog refresh failed")], []],
    ["no output", [], []],
    [
      '--verbose plugin loading ("extensions" is not an errno code)',
      [
        "2026-12-05T09:54:53.193+00:00 [plugins] loading anthropic from /x/openclaw/dist/extensions/anthropic/index.js",
        "2026-12-05T09:54:53.410+00:00 Registered plugin command: /pair (plugin: device-pair)",
      ],
      [],
    ],
    [
      "the drain after a SIGTERM soon after ready",
      [
        "2026-12-05T09:59:55.288+00:00 [cron] failed to enter start root: GatewayDrainingError: gateway is draining for restart",
        "2026-12-05T09:59:55.326+00:00 [gateway] gateway_start hook failed: GatewayDrainingError: gateway is draining for restart",
      ],
      [],
    ],
  ])("chatter never counts: %s", (_, output, want) => {
    expect(failureLines(ev(output))).toEqual(want);
  });
  it("keeps a record's detail lines under it, drops the advice", () => {
    expect(failureLines(ev(SCHEMA))).toEqual([
      "Gateway failed to start: Invalid config at /tmp/oc-x/openclaw.json:",
      "openclaw.json:4 — gateway.port: Invalid input: expected number, received string",
      'openclaw.json:2 — gateway: Unrecognized key: "bogusKey"',
    ]);
  });
  it("most recent record first (a list under a record stays with it)", () => {
    expect(failureLines(ev(PORT))).toEqual([
      "Port 18789 is already in use.",
      "- pid 9820 root: openclaw-gateway (127.0.0.1:18789)",
      "Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:18789 | listen EADDRINUSE: address already in use 127.0.0.1:18789 | EADDRINUSE",
    ]);
  });
  it("reads the gateway's JSONL file log by level, with multi-line messages", () => {
    const lines = [
      jsonl("INFO", "loading configuration…"),
      jsonl(
        "ERROR",
        'Gateway failed to start: Invalid config at /x/openclaw.json:\n<root>: Unrecognized key: "bogusRoot"\nRun "openclaw doctor --fix" to repair, then retry.',
      ),
    ];
    expect(failureLines(ev(lines))).toEqual(["Gateway failed to start: Invalid config at /x/openclaw.json:", '<root>: Unrecognized key: "bogusRoot"']);
  });
  it("a JSONL subsystem record loses its repeated subsystem prefix, like the console line", () => {
    const rec = JSON.stringify({
      "0": '{"subsystem":"gateway"}',
      "1": "gateway: Control UI asset retention failed: ENOSPC: no space left on device, write",
      _meta: { logLevelName: "WARN" },
      message: "gateway: Control UI asset retention failed: ENOSPC: no space left on device, write",
    });
    const consoleLine = "2026-12-05T09:59:53.931+00:00 [gateway] Control UI asset retention failed: ENOSPC: no space left on device, write";
    expect(failureLines(ev([rec]))).toEqual(["Control UI asset retention failed: ENOSPC: no space left on device, write"]);
    expect(signatureOf(ev([rec]))).toBe(signatureOf(ev([consoleLine])));
  });
  it("Node's out-of-memory abort: the FATAL line, not the GC trace or native stack", () => {
    const oom = [
      "",
      "<--- Last few GCs --->",
      "[7735:0x35307000]    15150 ms: Mark-Compact (reduce) 95.2 (99.8) -> 93.5 (97.3) MB, pooled: 0 MB, 16.25 / 0.00 ms",
      "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
      "----- Native stack trace -----",
      "",
      " 1: 0x931db0  [openclaw]",
      " 2: 0x75968e node::OOMErrorHandler(char const*, v8::OOMDetails const&) [openclaw]",
    ];
    expect(failureLines(ev(oom))).toEqual(["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"]);
  });
  it("a failure glued under a chatter line is still found; untimestamped output too", () => {
    expect(failureLines(ev(["2026-12-05T09:25:47.666+00:00 [gateway] ready", "Error: boom", "    at main (file.js:1:1)"]))).toEqual(["Error: boom"]);
    expect(failureLines(ev(["Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured)."]))).toHaveLength(1);
  });
  it("lines that differ only in names are kept once with a count; exact repeats are dropped", () => {
    const steps = ["profile-workspace", "device-auth", "sessions"].map(
      (x) => `- Migration step "${x}" was not run because prior step "media-persistence" refused execution.`,
    );
    const block = ["2026-12-05T10:06:00.000+00:00 OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready.", ...steps];
    expect(failureLines(ev([...block, ...block]))).toEqual([
      "OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready.",
      '- Migration step "profile-workspace" was not run because prior step "media-persistence" refused execution. (and 2 more like it)',
    ]);
  });
  it("redacts secrets", () => {
    expect(failureLines(ev(["error calling https://user:pw@llm/v1?api_key=s3cret"])).join()).not.toMatch(/pw@|s3cret/);
  });
});

describe("signatureOf", () => {
  it.each([
    [
      "schema: the headline with its first detail",
      SCHEMA,
      "gateway failed to start: invalid config at <path>: <file> — gateway.port: invalid input: expected number, received string",
    ],
    [
      "parse error: differs from the schema error",
      PARSE,
      "gateway failed to start: invalid config at <path>: <root>: json5 parse failed: syntaxerror: json5: invalid end of input",
    ],
    [
      "the most recent headline, not the last line",
      PORT,
      "gateway failed to start: another gateway instance is already listening on <url> | listen eaddrinuse: address already in use <addr> | eaddrinuse",
    ],
    ["nothing telling", HEALTHY, null],
  ])("%s", (_, output, want) => {
    expect(signatureOf(ev(output))).toBe(want);
  });
  it("the same failure on another day, host and path gives the same signature", () => {
    const other = SCHEMA.map((l) => l.replace("2026-12-05T09", "2027-01-01T23").replace("/tmp/oc-x", "/home/ops/.openclaw"));
    expect(signatureOf(ev(other))).toBe(signatureOf(ev(SCHEMA)));
    expect(signatureOf(ev([...HEALTHY, ...BLOCKED]))).toBe(signatureOf(ev(BLOCKED)));
  });
});

describe("evidenceText", () => {
  it("exit first, then failure lines most recent first, then the probe", () => {
    expect(evidenceText(ev(PORT, { exit: { code: 1, signal: null }, probe: "connection refused" })).split("\n")).toEqual([
      "exit 1",
      "Port 18789 is already in use.",
      "- pid 9820 root: openclaw-gateway (127.0.0.1:18789)",
      expect.stringMatching(/^Gateway failed to start: another gateway/),
      "probe: connection refused",
    ]);
    expect(evidenceText(ev(BLOCKED, { exit: { code: 78, signal: null } }))).toMatch(/^exit 78 \(EX_CONFIG\)\nGateway start blocked/);
  });
  it("says so when the process printed nothing telling", () => {
    expect(evidenceText(ev(START, { exit: { code: null, signal: "SIGKILL" }, probe: "connection refused" }))).toBe(
      `killed by SIGKILL\nno failure text in the last ${START.length} lines of output\nprobe: connection refused`,
    );
  });
});

const LIB: Case[] = [
  kase("PARSE", {
    keywords: ["json5", "parse failed", "start blocked"],
    requires: ["json5|clobbered config"],
    exitCodes: [78],
    signature: signatureOf(ev(BLOCKED)),
  }),
  kase("SCHEMA", {
    keywords: ["invalid config", "unrecognized key", "invalid input"],
    requires: ["invalid config", "unrecognized key|invalid input|expected"],
    exitCodes: [78],
  }),
  kase("PORT", { keywords: ["eaddrinuse", "already in use"], requires: ["eaddrinuse|already in use"], exitCodes: [1] }),
  kase("SIDECARS", { keywords: ["startup-sidecars", "not ready", "starting"], requires: ["startup-sidecars"] }),
];

describe("diagnose", () => {
  it("an exact signature is 1.0", () => {
    const d = diagnose(ev(BLOCKED, { exit: { code: 78, signal: null } }), LIB);
    expect(d).toMatchObject({ verdict: "match", best: { caseId: "PARSE", confidence: 1, matched: ["signature"] } });
  });
  it.each([
    ["schema error", SCHEMA, 78, "SCHEMA"],
    ["JSON5 parse error", PARSE, 78, "PARSE"],
    ["port in use", PORT, 1, "PORT"],
  ])("requires decide between cases: %s", (_, output, code, want) => {
    const d = diagnose(ev(output, { exit: { code, signal: null } }), LIB);
    expect(d.verdict).toBe("match");
    expect(d.best?.caseId).toBe(want);
    expect(d.candidates.map((c) => c.caseId)).toEqual([want]); // a case without its required terms scores 0
  });
  it("the exit code alone picks nothing", () => {
    expect(diagnose(ev(START, { exit: { code: 78, signal: null } }), LIB)).toMatchObject({ verdict: "none", candidates: [] });
  });
  it("start-up chatter never matches, however many words it shares with a case", () => {
    const d = diagnose(ev(HEALTHY), [...LIB, kase("CHATTY", { keywords: ["starting", "gateway", "ready", "failed", "sidecars"] })]);
    expect(d).toMatchObject({ verdict: "none", candidates: [], signature: null });
  });
  it("the probe verdict counts (it is the console's own word, not chatter)", () => {
    expect(diagnose(ev(HEALTHY.slice(0, 10), { probe: "starting: startup-sidecars" }), LIB)).toMatchObject({ verdict: "match", best: { caseId: "SIDECARS" } });
  });
  it("a tie between the two best is unsure", () => {
    const twins = [
      kase("A", { keywords: ["eaddrinuse"], requires: ["eaddrinuse"] }),
      kase("B", { keywords: ["already in use"], requires: ["already in use"] }),
    ];
    const d = diagnose(ev(PORT), twins);
    expect(d.verdict).toBe("unsure");
    expect(d.why).toMatch(/^tie/);
    expect(d.candidates).toHaveLength(2);
  });
  it("a weak best is unsure", () => {
    const weak = [kase("W", { keywords: ["eaddrinuse", "quota", "heap", "lease", "disk"] })];
    const d = diagnose(ev(PORT), weak);
    expect(d.best!.confidence).toBeLessThan(DIAGNOSIS_THRESHOLD);
    expect(d).toMatchObject({ verdict: "unsure", best: { caseId: "W", confidence: 0.14 } });
    expect(d.why).toMatch(/too weak/);
  });
  it("scores are explainable: required terms, keywords and the exit code are listed", () => {
    const d = diagnose(ev(SCHEMA, { exit: { code: 78, signal: null } }), LIB);
    expect(d.best).toEqual({ caseId: "SCHEMA", confidence: 0.95, matched: ["invalid config", "unrecognized key", "invalid input", "exit 78"] });
    expect(d.why).toContain("SCHEMA 0.95");
  });
  it("cases stored before requires/exitCodes existed still score by keywords", () => {
    const old = {
      id: "OLD",
      title: "",
      errorCode: "",
      signature: null,
      keywords: ["eaddrinuse", "already in use"],
      solution: "",
      actions: [],
    } as unknown as Case;
    expect(diagnose(ev(PORT), [old]).best).toEqual({ caseId: "OLD", confidence: 0.7, matched: ["eaddrinuse", "already in use"] });
  });
  it("no failure text at all is none", () => {
    expect(diagnose(ev([], { exit: { code: null, signal: "SIGKILL" } }), LIB)).toMatchObject({ verdict: "none", why: "no failure text to go on" });
  });
});

describe("deterministicFailure", () => {
  it.each([
    ["exit 78 with a schema error", ev(SCHEMA, { exit: { code: 78, signal: null } }), "config"],
    ["exit 78, start blocked", ev(BLOCKED, { exit: { code: 78, signal: null } }), "config"],
    [
      "Invalid --bind exits 1 but is a config error",
      ev(['2026-12-05T09:24:40.045+00:00 Invalid --bind. Use "loopback", "lan", "tailnet", "auto", or "custom".'], { exit: { code: 1, signal: null } }),
      "config",
    ],
    ["EADDRINUSE", ev(PORT, { exit: { code: 1, signal: null } }), "port-in-use"],
    [
      "state contention (exits 78 too)",
      ev(
        [
          "Gateway failed to start: Doctor could not enter maintenance. StateDatabaseCoordinatorContentionError: another OpenClaw process owns gateway-lifecycle",
        ],
        { exit: { code: 78, signal: null } },
      ),
      "state-contention",
    ],
    [
      "a start starved of CPU loses its state lease (exits 78, not a config error)",
      ev(
        [
          "Gateway failed to start: OpenClaw startup migrations did not complete cleanly; refusing to report the gateway ready.",
          "- Agent database maintenance deferred: agent database maintenance lease core:agent-database-maintenance/global was lost | state lease heartbeat did not become ready (phase=startup, trigger=timeout)",
        ],
        { exit: { code: 78, signal: null } },
      ),
      "state-contention",
    ],
    ["a crash", ev(HEALTHY, { exit: { code: null, signal: "SIGKILL" } }), null],
    ["exit 1 without text", ev(START, { exit: { code: 1, signal: null } }), null],
    ["healthy", ev(HEALTHY), null],
  ])("%s", (_, e, kind) => {
    const d = deterministicFailure(e);
    expect(d?.kind ?? null).toBe(kind);
    if (d) expect(d.reason.length).toBeGreaterThan(5);
  });
});

describe("successRate", () => {
  it("is attempts over successes, null before any attempt", () => {
    expect(successRate(0, 0)).toBeNull();
    expect(successRate(3, 2)).toBe(0.667);
  });
});
