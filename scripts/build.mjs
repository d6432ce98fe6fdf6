// Compiles the processes `npm start` runs (fleet simulator, worker, API) to plain JavaScript with esbuild: one ESM
// bundle per app entry in apps/<app>/dist/main.js with a source map, the workspace packages (@ops/*) bundled in and
// third-party packages left external. An external import resolves from apps/<app>/dist/, i.e. through
// apps/<app>/node_modules: every third-party package a bundle imports must be a dependency of that app (checked
// below, so a missing one fails the build rather than the start).
//
// `node scripts/build.mjs` builds what is out of date (sources newer than the bundle); `--force` builds everything.
// Used as a module by start.mjs and the benchmarks: `ensureBuilt()`.
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib.mjs";

/** The apps `npm start` runs and their entry points. */
export const APPS = {
  sim: { dir: "apps/fleet-simulator", entry: "src/main.ts" },
  worker: { dir: "apps/worker", entry: "src/main.ts" },
  api: { dir: "apps/api", entry: "src/server.ts" },
};

/**
 * Node flags each built app runs with (npm start, docker-compose.yml, bench:probes): source maps, so stack traces
 * name the .ts files and lines. No heap limits: capping the worker's old generation at 192 MB and the semi-spaces at
 * 4 MB cut its RSS at 10,000 targets from 290–410 MB to 161 MB, but in those runs its first cycle went from 14–18 s to
 * 168 s and past 600 s (on a machine loaded by other work, where an uncapped run also took 350 s once: not settled,
 * so no caps until it is measured on a quiet machine); see docs/performance.md.
 */
export const NODE_ARGS = {
  sim: ["--enable-source-maps"],
  worker: ["--enable-source-maps"],
  api: ["--enable-source-maps"],
};

/** The built file of an app (what `node --enable-source-maps <file>` runs). */
export function builtEntry(name) {
  return join(ROOT, APPS[name].dir, "dist", "main.js");
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.endsWith(".test.ts")) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Newest source an app's bundle depends on: its own src/ and every workspace package's src/ and package.json. */
function sourcesMtime(app) {
  const dirs = [join(ROOT, app.dir, "src"), ...readdirSync(join(ROOT, "packages")).map((p) => join(ROOT, "packages", p, "src"))];
  const files = [join(ROOT, app.dir, "package.json"), join(ROOT, "scripts", "build.mjs")];
  return Math.max(...dirs.filter(existsSync).map(newestMtime), ...files.map((f) => statSync(f).mtimeMs));
}

export function isStale(name) {
  const out = builtEntry(name);
  return !existsSync(out) || statSync(out).mtimeMs < sourcesMtime(APPS[name]);
}

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const packageName = (spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

/**
 * Workspace sources that compute paths from their own location (`import.meta.url`: the repository root, the
 * migrations folder, the process supervisor, the simulator's agent entry) keep pointing at their source file: in
 * the bundle `import.meta.url` becomes that file's URL, relative to the bundle so the tree can move.
 */
function ownUrlPlugin(outdir) {
  return {
    name: "own-import-meta-url",
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
        if (args.path.includes("node_modules")) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta.url")) return undefined;
        const rel = relative(outdir, args.path).split("\\").join("/");
        const replaced = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
        return { contents: replaced, loader: args.path.endsWith("ts") ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Third-party imports stay external; workspace packages and relative imports are bundled. */
function externalsPlugin(seen) {
  return {
    name: "third-party-external",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (NODE_BUILTINS.has(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith("@ops/")) return undefined;
        seen.add(packageName(args.path));
        return { path: args.path, external: true };
      });
    },
  };
}

let esbuild = null;

export async function buildApp(name) {
  esbuild ??= await import("esbuild");
  const { build } = esbuild;
  const app = APPS[name];
  const outfile = builtEntry(name);
  const outdir = dirname(outfile);
  const seen = new Set();
  const started = Date.now();
  await build({
    entryPoints: [join(ROOT, app.dir, app.entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    // The map names the .ts files and lines without embedding their text (they are in the tree).
    sourcesContent: false,
    // Stack traces and logs keep class and function names.
    keepNames: true,
    logLevel: "warning",
    plugins: [externalsPlugin(seen), ownUrlPlugin(outdir)],
    banner: { js: "// Built by scripts/build.mjs from the TypeScript sources; do not edit." },
  });
  const pkg = JSON.parse(readFileSync(join(ROOT, app.dir, "package.json"), "utf8"));
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const missing = [...seen].filter((d) => !declared.has(d)).sort();
  if (missing.length) {
    rmSync(outfile, { force: true }); // not a usable build: the next start must not take it for an up-to-date one
    throw new Error(
      `${app.dir}/dist/main.js imports ${missing.join(", ")}, which ${app.dir}/package.json does not list as dependencies: ` +
        `add them (pnpm's node_modules only resolves an app's own dependencies from apps/<app>/dist/)`,
    );
  }
  return { name, outfile, ms: Date.now() - started, externals: [...seen].sort() };
}

/** Builds the apps whose sources are newer than their bundle; returns what was built. */
export async function ensureBuilt(names = Object.keys(APPS), { force = false } = {}) {
  const built = [];
  try {
    for (const name of names) if (force || isStale(name)) built.push(await buildApp(name));
  } finally {
    // esbuild's service process would otherwise live on beside the running apps.
    if (esbuild) await esbuild.stop();
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const force = process.argv.includes("--force");
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  try {
    const built = await ensureBuilt(names.length ? names : undefined, { force });
    for (const b of built) process.stdout.write(`built ${relative(ROOT, b.outfile)} in ${b.ms} ms (external: ${b.externals.join(", ")})\n`);
    if (!built.length) process.stdout.write("up to date\n");
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
