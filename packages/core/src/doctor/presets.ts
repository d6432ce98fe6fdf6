import type { Case } from "@ops/domain";

/**
 * The preset case library: the real gateway's failure signatures and seed 3's cases. The texts are what
 * openclaw@2026.9.6 prints (packages/domain/fixtures/openclaw/, captured by scripts/capture-openclaw-fixtures.mjs);
 * a `signature` is exactly what `signatureOf` gives for the real failure line. `requires` holds each case's
 * distinguishing terms ("a|b": either), so the words of an ordinary start-up log can never select a case.
 */
export const PRESET_CASES: Case[] = [
  {
    id: "CASE-001",
    title: "Config cannot be parsed (JSON5) or was clobbered, gateway exits 78",
    errorCode: "EX_CONFIG",
    // A plain `gateway run` prints this one line for every JSON5 parse error, for an empty or binary file and
    // for a config without gateway.mode alike; with --allow-unconfigured a parse error shows as
    // "Invalid config at …: <root>: JSON5 parse failed: SyntaxError: …".
    signature:
      "gateway start blocked: existing config is missing gateway.mode. treat this as suspicious or clobbered config. re-run <value> or <value>, set gateway.mode=local manually, or pass --allow-unconfigured",
    keywords: ["json5", "parse failed", "syntaxerror", "start blocked", "clobbered config"],
    requires: ["json5|clobbered config|missing gateway.mode"],
    exitCodes: [78],
    solution:
      "The config file is not valid JSON5, is empty, or lost gateway.mode (often a half-written edit). Restore the last good config (openclaw.json.bak), restart, and check `openclaw config validate --json`.",
    actions: [{ type: "restore-config" }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-002",
    title: "Config fails validation (schema), gateway exits 78",
    errorCode: "EX_CONFIG",
    signature: null,
    keywords: ["invalid config", "unrecognized key", "invalid input", "expected", "invalid --bind", "start blocked"],
    // "Invalid config at …:" also heads a JSON5 parse error: the validation words tell them apart. A bad bind value
    // exits 1 ("Invalid --bind. Use …"); a gateway.mode other than "local" gives "start blocked: set
    // gateway.mode=local (current: …)".
    requires: [
      "unrecognized key|invalid input|invalid option|invalid value|invalid string|invalid format|too big|too small|invalid --bind|refusing to bind|gateway.mode=local (current",
    ],
    exitCodes: [78],
    solution:
      "A field has the wrong type, an unknown key or a value the gateway refuses. Restore the last good config (openclaw.json.bak) and restart; if there is none, run `openclaw config validate --json` and fix each issue path it reports.",
    actions: [{ type: "restore-config" }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-003",
    title: "Port already in use",
    errorCode: "EADDRINUSE",
    // Printed for any holder of the port, a second gateway or a plain TCP server alike (it retries ~10 s, exit 1).
    signature:
      "gateway failed to start: another gateway instance is already listening on <url> | listen eaddrinuse: address already in use <addr> | eaddrinuse",
    keywords: ["eaddrinuse", "address already in use", "already listening", "port"],
    requires: ["eaddrinuse|already in use"],
    exitCodes: [1],
    solution:
      "Another process holds the gateway's port (often a second gateway with another state dir; the log lists its pid). Stop it (`openclaw gateway status --deep`) or move one of them to another port. Restarting does not help.",
    actions: [{ type: "notify", message: "another process holds the port: stop it or change the port" }],
  },
  {
    id: "CASE-004",
    title: "State database contention: another process owns the lifecycle",
    errorCode: "STATE_CONTENTION",
    signature: null,
    keywords: ["statedatabasecoordinatorcontentionerror", "gateway-lifecycle", "could not enter maintenance"],
    requires: ["statedatabasecoordinatorcontentionerror|another openclaw process owns"],
    exitCodes: [78],
    solution:
      "Two OpenClaw processes share one state dir (it exits 78 after ~3 s; the running one is unaffected). If the other is a previous instance still shutting down, wait and restart; otherwise stop it or give each its own OPENCLAW_STATE_DIR.",
    actions: [{ type: "wait", seconds: 10 }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-005",
    title: "Stale lock or PID file after a crash",
    errorCode: "STALE_LOCK",
    signature: null,
    keywords: ["stale", "lock", "pid file"],
    requires: ["stale"],
    exitCodes: [],
    solution:
      "A crash left gateway.*.lock behind. The gateway reclaims a stale lock on start (silently, in 2026.9.6): restart it; if it persists, remove state/tmp/openclaw-*/gateway.*.lock.",
    actions: [{ type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-006",
    title: "Startup sidecars never become ready",
    errorCode: "NOT_READY",
    signature: null,
    keywords: ["startup-sidecars", "not ready", "starting"],
    // Only the probe says so (/readyz 503 failing: ["startup-sidecars"]); the gateway's log shows nothing wrong.
    requires: ["startup-sidecars"],
    exitCodes: [],
    solution:
      "The gateway answers /healthz but /readyz stays 503 with startup-sidecars. Give it time (28–33 s when several start together), then restart it alone.",
    actions: [{ type: "wait-healthy", timeoutSeconds: 45 }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-007",
    title: "Event loop degraded",
    errorCode: "EVENT_LOOP",
    signature: null,
    keywords: ["event loop", "degraded", "delay", "event_loop_delay"],
    requires: ["event loop|event_loop|eventloop", "degraded|delay|blocked"],
    exitCodes: [],
    solution: "The main thread is blocked (delay p99 far above normal). Check for runaway tasks in `openclaw gateway stability`; a restart clears it.",
    actions: [{ type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-008",
    title: "Memory growth / out of memory",
    errorCode: "OOM",
    signature: null,
    keywords: ["heap out of memory", "out of memory", "heap limit", "rss", "memory"],
    requires: ["out of memory|heap limit|memory"],
    // 134: Node aborts (SIGABRT) on "JavaScript heap out of memory".
    exitCodes: [134],
    solution: "Memory keeps growing (> 1 GB RSS or over the critical threshold). Restart to recover, then look for a leaking plugin or session store.",
    actions: [{ type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-009",
    title: "Model provider unreachable",
    errorCode: "PROVIDER_DOWN",
    signature: null,
    keywords: ["provider", "litellm", "unreachable", "econnrefused"],
    // Not the offline catalog refresh ("remote model catalog refresh failed … ENOTFOUND"), which is chatter.
    requires: ["provider|litellm", "unreachable|econnrefused|timed out|502|503|504"],
    exitCodes: [],
    solution:
      "The gateway cannot reach its model provider (the collective's LiteLLM on :4000). Check LiteLLM's health and keys; restarting the agent does not help.",
    actions: [{ type: "notify", message: "check the LiteLLM gateway on :4000 and its provider keys" }],
  },
  {
    id: "CASE-010",
    title: "API rate limit reached",
    errorCode: "RATE_LIMIT",
    signature: null,
    keywords: ["429", "rate limit", "too many requests", "quota"],
    requires: ["429|rate limit|too many requests"],
    exitCodes: [],
    solution: "The provider answers 429. Lower concurrency or raise the quota; restarting does not help.",
    actions: [{ type: "notify", message: "provider rate limit: lower concurrency or raise the quota" }],
  },
  {
    id: "CASE-011",
    title: "Disk full",
    errorCode: "ENOSPC",
    signature: null,
    keywords: ["enospc", "no space left"],
    requires: ["enospc|no space left"],
    exitCodes: [],
    solution: "The disk is full. Free space (old logs under /tmp/openclaw, old backups), then restart.",
    actions: [{ type: "notify", message: "disk full: free space, then restart" }],
  },
  {
    id: "CASE-012",
    title: "Agent database maintenance lease held by a previous instance",
    errorCode: "MAINTENANCE_LEASE",
    signature: null,
    keywords: ["maintenance lease", "lease heartbeat", "was lost", "held by", "refused execution"],
    // Real texts: "Agent database maintenance deferred: agent database maintenance lease … was lost", "Gateway
    // failed to start: state lease heartbeat did not become ready (phase=startup, trigger=timeout …)".
    requires: ["lease"],
    exitCodes: [],
    solution:
      "The gateway lost (or never got) its state or database maintenance lease during start-up: a previous instance still held it (restarted before it finished starting), or the start was starved of CPU (several gateways starting together on 2 cores). Wait for the old instance to be gone and the machine to calm down, then start it once and let it finish (11–33 s; longer under load).",
    actions: [{ type: "wait", seconds: 20 }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 90 }],
  },
  {
    id: "CASE-013",
    title: "No config file (Missing config), gateway exits 78",
    errorCode: "EX_CONFIG",
    signature: "missing config. run <value> or set gateway.mode=local (or pass --allow-unconfigured)",
    keywords: ["missing config", "openclaw setup", "gateway.mode"],
    requires: ["missing config"],
    exitCodes: [78],
    solution:
      "The config file (OPENCLAW_CONFIG_PATH) does not exist, so the gateway refuses to start. Restore the last good config (openclaw.json.bak) and restart; if there is none, run `openclaw setup` or write a config with gateway.mode=local.",
    actions: [{ type: "restore-config" }, { type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }],
  },
  {
    id: "CASE-014",
    title: "State database unreadable, gateway exits 78",
    errorCode: "STATE_UNREADABLE",
    signature: null,
    keywords: ["shared state database", "unreadable", "cannot repair this state", "enotdir", "eacces"],
    requires: ["unreadable|cannot repair this state"],
    exitCodes: [78],
    solution:
      "The state dir (OPENCLAW_STATE_DIR) cannot be used: it is not a directory, not writable, or its SQLite file is damaged. Fix the path or its permissions, or restore the state dir from a backup; restarting does not help.",
    actions: [{ type: "notify", message: "the gateway's state dir is not usable: check OPENCLAW_STATE_DIR, its permissions and state/openclaw.sqlite" }],
  },
];
