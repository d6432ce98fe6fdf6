import { describe, expect, it } from "vitest";
import { consoleOrigins, readEnv } from "./env.ts";

describe("consoleOrigins: whose pages may use a session", () => {
  it.each([
    ["defaults: loopback on the listening port, and the dashboard dev server", {}, 3000, ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:5173", "http://127.0.0.1:5173"]],
    ["a PORT of 0: the port actually taken", { PORT: "0" }, 41234, ["http://localhost:41234", "http://127.0.0.1:41234", "http://[::1]:41234", "http://localhost:5173", "http://127.0.0.1:5173"]],
    ["a named HOST is added; a wildcard is not", { HOST: "ops.lan", PORT: "80" }, 80, ["http://localhost", "http://127.0.0.1", "http://[::1]", "http://ops.lan", "http://localhost:5173", "http://127.0.0.1:5173"]],
    ["OPS_PUBLIC_URL replaces the defaults; paths and default ports drop", { OPS_PUBLIC_URL: "https://ops.example.com/console/, https://ops.example.com:443" }, 3000, ["https://ops.example.com"]],
    ["OPS_ALLOWED_ORIGINS adds to either", { HOST: "0.0.0.0", OPS_PUBLIC_URL: "https://ops.example.com", OPS_ALLOWED_ORIGINS: "http://wall.lan:8080/" }, 3000, ["https://ops.example.com", "http://wall.lan:8080"]],
  ])("%s", (_, vars: Record<string, string>, port, expected) => {
    expect(consoleOrigins(readEnv(vars), port)).toEqual(expected);
  });

  it.each([
    ["OPS_PUBLIC_URL", "ops.example.com"],
    ["OPS_PUBLIC_URL", "ftp://ops.example.com"],
    ["OPS_ALLOWED_ORIGINS", "https://ok.example, null"],
  ])("refuses %s=%s at boot, naming the variable", (name, value) => {
    expect(() => readEnv({ [name]: value })).toThrow(new RegExp(`${name}: entry \\d is not an http:// or https:// URL`));
  });
});
