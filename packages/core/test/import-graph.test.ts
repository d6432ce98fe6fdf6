import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Each file's relative imports, re-exports and dynamic imports, as absolute paths.
 * `import type` counts too: a type-only circle still means neither module can be read or moved without the other.
 */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles.map((i) => i.fileName).filter((s) => s.startsWith("./") || s.startsWith("../"));
    graph.set(file, [...new Set(targets.map((s) => resolve(dirname(file), s)))]);
  }
  return graph;
}

/** One path per circle, each starting at its alphabetically first file, as "a.ts → b.ts → a.ts". */
function findCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles = new Set<string>();
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") {
        const loop = stack.slice(stack.indexOf(next)).map((f) => relative(SRC, f));
        const first = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        cycles.add([...rotated, rotated[0]].join(" → "));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...cycles].sort();
}

describe("packages/core import graph", () => {
  const graph = importGraph();

  it("reads every source file and resolves every relative import to one of them", () => {
    expect(graph.size).toBeGreaterThan(30);
    const unresolved = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !existsSync(t)).map((t) => `${relative(SRC, file)} → ${relative(SRC, t)}`),
    );
    expect(unresolved).toEqual([]);
  });

  it("has no import circles", () => {
    expect(findCycles(graph)).toEqual([]);
  });
});
