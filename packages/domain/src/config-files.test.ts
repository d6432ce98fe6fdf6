import { describe, expect, it } from "vitest";
import {
  brokenCopyPath,
  diffLines,
  gatewayConfigFindings,
  isSecretConfigKey,
  openclawProgramOf,
  openclawValidateArgv,
  parseValidatorOutput,
  pickRestoreVersion,
  redactConfigText,
  redactedConfigDiff,
  snapshotDue,
  unifiedDiff,
  validateJsonText,
} from "./config-files.ts";

const V = "openclaw config validate --json";

describe("which program validates a gateway's config", () => {
  it("finds OpenClaw in the argv that starts the gateway, with the interpreter and its flags", () => {
    expect(openclawProgramOf(["/opt/node24/bin/node", "/opt/openclaw/node_modules/openclaw/openclaw.mjs", "gateway", "run"])).toEqual([
      "/opt/node24/bin/node",
      "/opt/openclaw/node_modules/openclaw/openclaw.mjs",
    ]);
    expect(openclawValidateArgv(["node", "--max-old-space-size=2048", "/x/openclaw.mjs", "gateway", "run"])).toEqual([
      "node",
      "--max-old-space-size=2048",
      "/x/openclaw.mjs",
      "config",
      "validate",
      "--json",
    ]);
    expect(openclawValidateArgv(["openclaw", "gateway", "--port", "8002"])).toEqual(["openclaw", "config", "validate", "--json"]);
    expect(openclawValidateArgv(["/usr/local/bin/openclaw", "gateway", "run"])).toEqual(["/usr/local/bin/openclaw", "config", "validate", "--json"]);
  });

  it("does not take other programs for OpenClaw", () => {
    expect(openclawProgramOf(["openclaw", "health"])).toBeNull();
    expect(openclawProgramOf(["node", "server.js", "gateway"])).toBeNull();
    expect(openclawProgramOf(["/usr/bin/python3", "app.py", "/x/openclaw.mjs", "gateway"])).toBeNull();
    expect(openclawProgramOf(["my-openclaw-wrapper", "gateway"])).toBeNull();
    expect(openclawProgramOf(["/srv/openclaw-ops/bin/x", "gateway"])).toBeNull();
  });
});

describe("reading `openclaw config validate --json` (the real 2026.9.6 answers)", () => {
  it("a valid file: rc 0", () => {
    expect(parseValidatorOutput('{"valid":true,"path":"/srv/a/openclaw.json","warnings":[]}\n', 0, V)).toEqual({
      valid: true,
      issues: [],
      summary: "valid",
      validator: V,
    });
  });

  it("warnings are named in the summary of a valid file", () => {
    const r = parseValidatorOutput('{"valid":true,"path":"/p","warnings":[{"path":"gateway","message":"plaintext secret"}]}', 0, V);
    expect(r).toMatchObject({ valid: true, summary: "valid; 1 warning(s): gateway: plaintext secret" });
  });

  it("a truncated file: rc 1, the JSON5 parse failure at <root>, after a launcher notice", () => {
    const stdout = [
      "[postinstall] fs-safe native support is unavailable: the native dependency belongs to another package-manager installation.",
      "{",
      '  "ok": false,',
      '  "error": { "type": "cli_error", "message": "OpenClaw config is invalid: ~/trunc.json" },',
      '  "valid": false,',
      '  "path": "/tmp/t/trunc.json",',
      '  "issues": [ { "path": "<root>", "message": "JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1" } ]',
      "}",
    ].join("\n");
    expect(parseValidatorOutput(stdout, 1, V)).toEqual({
      valid: false,
      issues: [{ path: "<root>", message: "JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1" }],
      summary: "<root>: JSON5 parse failed: SyntaxError: JSON5: invalid end of input at 2:1",
      validator: V,
    });
  });

  it("schema errors: every issue with its path", () => {
    const stdout = JSON.stringify({
      ok: false,
      error: { type: "cli_error", message: "OpenClaw config is invalid: ~/schema.json" },
      valid: false,
      path: "/tmp/t/schema.json",
      issues: [
        { path: "gateway.port", message: "Invalid input: expected number, received string" },
        { path: "gateway", message: 'Unrecognized key: "bogusKey"' },
      ],
    });
    const r = parseValidatorOutput(stdout, 1, V);
    expect(r.valid).toBe(false);
    expect(r.issues).toEqual([
      { path: "gateway.port", message: "Invalid input: expected number, received string" },
      { path: "gateway", message: 'Unrecognized key: "bogusKey"' },
    ]);
    expect(r.summary).toBe('gateway.port: Invalid input: expected number, received string; gateway: Unrecognized key: "bogusKey"');
  });

  it("a missing file: no issues, the error's message", () => {
    const r = parseValidatorOutput('{"ok":false,"error":{"type":"cli_error","message":"file not found"},"valid":false,"path":"/tmp/t/missing.json"}', 1, V);
    expect(r).toEqual({ valid: false, issues: [{ path: "<root>", message: "file not found" }], summary: "file not found", validator: V });
  });

  it("another program: its exit code decides, its redacted output explains", () => {
    expect(parseValidatorOutput("all good\n", 0, "check-config")).toMatchObject({ valid: true, summary: "valid" });
    const r = parseValidatorOutput("bad key at line 3 (Bearer abcdefghijklmnop)\n", 2, "check-config");
    expect(r.valid).toBe(false);
    expect(r.summary).toBe("check-config exited 2: bad key at line 3 (Bearer [redacted])");
  });

  it("the built-in check says it only parses as JSON", () => {
    expect(validateJsonText('{"a":1}')).toEqual({ valid: true, issues: [], summary: "valid: parses as JSON", validator: "parses as JSON" });
    const bad = validateJsonText("{\n");
    expect(bad.valid).toBe(false);
    expect(bad.summary).toMatch(/^does not parse as JSON: /);
  });
});

describe("secrets in config text", () => {
  it("names like token, secret, password, apiKey and key are secret; tokens counts are not", () => {
    for (const k of ["token", "authToken", "bot_token", "secret", "clientSecret", "password", "apiKey", "api-key", "OPENAI_API_KEY", "key", "privateKey"])
      expect(isSecretConfigKey(k), k).toBe(true);
    for (const k of ["mode", "maxTokens", "tokenFile", "port", "keys", "monitor"]) expect(isSecretConfigKey(k), k).toBe(false);
  });

  it("hides the values, keeps the keys, the layout and the line count", () => {
    const text = [
      "{",
      '  "gateway": { "mode": "token", "port": 8001, "auth": { "mode": "token", "token": "tok-secret-1" } },',
      '  "models": { "providers": { "openai": { "apiKey": "sk-abcdefghijklmnopqrstuvwx", "baseUrl": "https://user:pw@api.example.com/v1" } } },',
      "  // JSON5 too",
      "  env: { OPENAI_API_KEY: 'sk-zzz', DEBUG: true, password: null },",
      '  "channels": { "telegram": { "botToken": "123:abc", "enabled": true } }',
      "}",
    ].join("\n");
    const r = redactConfigText(text);
    expect(r.split("\n").length).toBe(text.split("\n").length);
    expect(r).not.toMatch(/tok-secret-1|sk-abcdefghijklmnopqrstuvwx|sk-zzz|123:abc|user:pw/);
    expect(r).toContain('"mode": "token"');
    expect(r).toContain('"token": "[redacted]"');
    expect(r).toContain('"apiKey": "[redacted]"');
    expect(r).toContain('OPENAI_API_KEY: "[redacted]"');
    expect(r).toContain("DEBUG: true");
    expect(r).toContain("password: null");
    expect(r).toContain('"botToken": "[redacted]"');
    expect(r).toContain('"port": 8001');
    expect(redactConfigText(r)).toBe(r);
  });

  it("a truncated value is hidden too", () => {
    expect(redactConfigText('{"auth": {"token": "tok-cut-of')).toBe('{"auth": {"token": "[redacted]"');
  });
});

describe("diff", () => {
  it("a line diff keeps the longest common subsequence", () => {
    const ops = diffLines(["a", "b", "c", "d"], ["a", "c", "x", "d"]);
    expect(ops.map((o) => `${o.kind}${o.kind === "+" ? ["a", "c", "x", "d"][o.b] : ["a", "b", "c", "d"][o.a]}`)).toEqual([" a", "-b", " c", "+x", " d"]);
  });

  it("a unified diff with hunk headers and three lines of context", () => {
    const from = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const to = from.replace("line 2\n", "line two\n").replace("line 18\n", "");
    expect(unifiedDiff(from, to, { fromLabel: "a (version 3)", toLabel: "b (current)" })).toBe(
      [
        "--- a (version 3)",
        "+++ b (current)",
        "@@ -1,5 +1,5 @@",
        " line 1",
        "-line 2",
        "+line two",
        " line 3",
        " line 4",
        " line 5",
        "@@ -15,6 +15,5 @@",
        " line 15",
        " line 16",
        " line 17",
        "-line 18",
        " line 19",
        " line 20",
        "",
      ].join("\n"),
    );
    expect(unifiedDiff(from, from, { fromLabel: "a", toLabel: "b" })).toBe("");
  });

  it("a truncated file against its last good copy", () => {
    const good = '{\n  "gateway": {\n    "mode": "local"\n  }\n}\n';
    expect(unifiedDiff(good, "{\n", { fromLabel: "good", toLabel: "now" })).toBe(
      ["--- good", "+++ now", "@@ -1,5 +1,1 @@", " {", '-  "gateway": {', '-    "mode": "local"', "-  }", "-}", ""].join("\n"),
    );
    expect(unifiedDiff("", "a\n", { fromLabel: "x", toLabel: "y" })).toBe("--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n");
  });

  it("a changed secret shows as a changed line, never its value", () => {
    const d = redactedConfigDiff('{\n  "token": "old-secret",\n  "port": 1\n}\n', '{\n  "token": "new-secret",\n  "port": 2\n}\n', "last good", "current");
    expect(d).toContain('-  "token": "[redacted]",');
    expect(d).toContain('+  "token": "[redacted]",');
    expect(d).toContain('+  "port": 2');
    expect(d).not.toMatch(/old-secret|new-secret/);
  });
});

describe("snapshots and restores", () => {
  const now = Date.parse("2026-12-05T10:00:00Z");
  it("a copy is due after a minute of ok", () => {
    expect(snapshotDue(null, now).due).toBe(false);
    expect(snapshotDue({ status: "down", since: new Date(now - 600_000) }, now)).toEqual({ due: false, why: "status is down, not ok" });
    expect(snapshotDue({ status: "ok", since: new Date(now - 59_000) }, now)).toEqual({ due: false, why: "ok for 59 s, not yet 60 s" });
    expect(snapshotDue({ status: "ok", since: new Date(now - 60_000) }, now).due).toBe(true);
  });

  it("restores the newest snapshot that differs from the file, or the newest when it is missing", () => {
    const versions = [
      { version: 1, kind: "snapshot" as const, sha256: "a" },
      { version: 2, kind: "snapshot" as const, sha256: "b" },
      { version: 3, kind: "broken" as const, sha256: "x" },
      { version: 4, kind: "snapshot" as const, sha256: "c" },
    ];
    expect(pickRestoreVersion(versions, "x")).toBe(4);
    expect(pickRestoreVersion(versions, "c")).toBe(2);
    expect(pickRestoreVersion(versions, null)).toBe(4);
    expect(pickRestoreVersion([{ version: 1, kind: "snapshot", sha256: "a" }], "a")).toBeNull();
    expect(pickRestoreVersion([], null)).toBeNull();
  });

  it("the broken copy sits beside the file with a UTC timestamp", () => {
    expect(brokenCopyPath("/srv/a/openclaw.json", new Date("2026-12-05T09:22:33.456Z"))).toBe("/srv/a/openclaw.json.broken-20261205T092233Z");
  });
});

describe("a gateway config against its target", () => {
  const file = "/srv/a/openclaw.json";
  const good = { gateway: { mode: "local", port: 8002, bind: "loopback" }, logging: { file: "/var/log/a.log" } };
  it("a good config has nothing to say", () => {
    expect(gatewayConfigFindings(good, { argv: ["openclaw", "gateway", "run"], env: {}, port: 8002, file })).toEqual([]);
  });

  it("names the field of every problem", () => {
    const f = gatewayConfigFindings({ gateway: { port: 8003 } }, { argv: ["openclaw", "gateway", "run"], env: {}, port: 8002, file });
    expect(f).toEqual([
      { level: "error", field: "gateway.port", message: "gateway.port 8003 in /srv/a/openclaw.json, but the target's baseUrl has port 8002" },
      {
        level: "error",
        field: "gateway.mode",
        message: 'gateway.mode is not set in /srv/a/openclaw.json: the gateway refuses to start (exit 78) without "local"',
      },
      {
        level: "warning",
        field: "gateway.bind",
        message: 'gateway.bind is not set in /srv/a/openclaw.json: set "loopback" (in a container the default is "auto", which binds 0.0.0.0)',
      },
      {
        level: "warning",
        field: "logging.file",
        message: "logging.file is not set in /srv/a/openclaw.json: the gateway then logs to the shared /tmp/openclaw/openclaw-<date>.log",
      },
    ]);
  });

  it("--port and OPENCLAW_GATEWAY_PORT win over the file, as in OpenClaw", () => {
    expect(gatewayConfigFindings(good, { argv: ["openclaw", "gateway", "--port", "9000"], env: {}, port: 8002, file })[0]).toMatchObject({
      field: "restart.argv",
      message: "restart.argv --port 9000, but the target's baseUrl has port 8002",
    });
    expect(gatewayConfigFindings(good, { argv: ["openclaw", "gateway"], env: { OPENCLAW_GATEWAY_PORT: "8002" }, port: 8002, file })).toEqual([]);
    expect(
      gatewayConfigFindings(
        { ...good, gateway: { mode: "local", bind: "lan" } },
        { argv: ["openclaw", "gateway", "--bind=loopback"], env: {}, port: 18789, file },
      ),
    ).toEqual([]);
  });
});
