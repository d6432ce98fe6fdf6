import { appendFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

const LEVEL_IDS: Record<LogLevel, number> = { DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };

/** The real gateway writes "+00:00" rather than "Z". */
function formatTime(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

export type GatewayLog = {
  write(level: LogLevel, subsystem: string, message: string, toConsole?: boolean): void;
  readonly file: string;
};

/** A logger writing tslog-shaped JSON lines to a file and plain lines to the console, like the real gateway. */
export function createGatewayLog(file: string): GatewayLog {
  mkdirSync(dirname(file), { recursive: true });
  const host = hostname();
  return {
    file,
    write(level, subsystem, message, toConsole = true) {
      const now = new Date();
      const name = JSON.stringify({ subsystem });
      const line = {
        "0": name,
        "1": message,
        _meta: {
          runtime: "node",
          runtimeVersion: process.versions.node,
          hostname: host,
          date: now.toISOString(),
          logLevelId: LEVEL_IDS[level],
          logLevelName: level,
          name,
        },
        time: formatTime(now),
        hostname: host,
        message,
      };
      try {
        appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
      } catch {
        // a full or missing disk must not take the simulated gateway down
      }
      if (!toConsole) return;
      const text = `${formatTime(now)} [${subsystem}] ${message}\n`;
      const stream = LEVEL_IDS[level] >= LEVEL_IDS.WARN ? process.stderr : process.stdout;
      if (stream.writable) stream.write(text);
    },
  };
}
