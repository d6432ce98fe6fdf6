import { describe, expect, it } from "vitest";

// The dashboard's rooms: the shell (app/) may import anything; the kit (ui/) and lib/ import no feature and
// not the shell; a feature imports ui/, lib/ and itself only. Lint keeps the same layout ("web rooms" in
// eslint.config.js); this test counts the arrows so a regression shows what it broke.
const SOURCES = import.meta.glob<string>(["./**/*.ts", "./**/*.tsx"], { query: "?raw", import: "default", eager: true });

type Arrow = { from: string; to: string; fromRoom: string; toRoom: string };

export function roomOf(file: string): string {
  const path = file.replace(/^\.\//, "");
  if (path === "main.tsx") return "main";
  const feature = /^features\/([^/]+)\//.exec(path);
  if (feature) return `features/${feature[1]}`;
  const top = /^([^/]+)\//.exec(path);
  return top?.[1] ?? path;
}

function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.{1,2}\/[^"']+)["']/g;

function arrowsOf(sources: Record<string, string>): Arrow[] {
  const arrows: Arrow[] = [];
  for (const [file, text] of Object.entries(sources)) {
    for (const m of text.matchAll(IMPORT)) {
      const to = resolve(file, m[1]!);
      if (to.endsWith(".css")) continue;
      arrows.push({ from: file, to, fromRoom: roomOf(file), toRoom: roomOf(to) });
    }
  }
  return arrows;
}

/** Why an arrow breaks the rooms, or null when it may stand. */
export function breach(a: Pick<Arrow, "fromRoom" | "toRoom">): string | null {
  const { fromRoom, toRoom } = a;
  if (fromRoom === toRoom) return null;
  if (toRoom === "app" && fromRoom !== "main") return "runs back up into the shell";
  if ((fromRoom === "ui" || fromRoom === "lib") && toRoom.startsWith("features/")) return `${fromRoom}/ imports a feature`;
  if (fromRoom === "lib" && toRoom === "ui") return "lib/ imports the kit";
  if (fromRoom.startsWith("features/") && toRoom.startsWith("features/")) return "a feature imports another feature";
  return null;
}

const arrows = arrowsOf(SOURCES);

describe("web rooms", () => {
  it("reads the sources and their imports", () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(100);
    expect(arrows.length).toBeGreaterThan(300);
  });

  it("no import runs back up and no two features import each other", () => {
    const bad = arrows.filter((a) => breach(a)).map((a) => `${a.from.slice(2)} → ${a.to}: ${breach(a)}`);
    const roomArrows = new Set(arrows.filter((a) => a.fromRoom !== a.toRoom).map((a) => `${a.fromRoom} → ${a.toRoom}`));
    const badRoomArrows = [...roomArrows].filter((r) => {
      const [fromRoom, toRoom] = r.split(" → ") as [string, string];
      return breach({ fromRoom, toRoom });
    });
    const featurePairs = new Set(
      badRoomArrows.filter((r) => r.startsWith("features/") && r.includes("→ features/")).map((r) => r.split(" → ").sort().join(" ↔ ")),
    );
    if (bad.length) {
      console.log(
        [
          `${badRoomArrows.length} of ${roomArrows.size} room-to-room arrows break the rooms (${bad.length} file imports);`,
          `${featurePairs.size} feature pairs import each other one way or both:`,
          ...[...featurePairs].sort().map((p) => `  ${p}`),
          "room arrows:",
          ...badRoomArrows.sort().map((r) => `  ${r}`),
          "file imports:",
          ...bad.sort().map((b) => `  ${b}`),
        ].join("\n"),
      );
    }
    expect(bad).toEqual([]);
  });

  it("classifies rooms and breaches", () => {
    expect(roomOf("./features/targets/components/StatusBadge.tsx")).toBe("features/targets");
    expect(roomOf("./ui/Table.tsx")).toBe("ui");
    expect(roomOf("./main.tsx")).toBe("main");
    expect(breach({ fromRoom: "features/incidents", toRoom: "features/targets" })).toBe("a feature imports another feature");
    expect(breach({ fromRoom: "ui", toRoom: "app" })).toBe("runs back up into the shell");
    expect(breach({ fromRoom: "ui", toRoom: "features/auth" })).toBe("ui/ imports a feature");
    expect(breach({ fromRoom: "main", toRoom: "app" })).toBeNull();
    expect(breach({ fromRoom: "app", toRoom: "features/targets" })).toBeNull();
    expect(breach({ fromRoom: "features/targets", toRoom: "ui" })).toBeNull();
  });
});
