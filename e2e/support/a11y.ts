import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/** axe-core's browser bundle, injected into pages as a script (no Playwright plug-in needed with playwright-core). */
export const AXE_SOURCE: string = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

export type AxeFinding = { rule: string; impact: string; help: string; targets: string[]; page: string };

/**
 * Runs axe on the page as it is now and returns its serious and critical violations, one per rule with the
 * selectors of the elements it found; `only` limits it to those rules, and the moderate and minor ones go to
 * `lesser` when given. The page must have axe loaded (context.addInitScript(AXE_SOURCE)).
 */
export async function axeViolations(page: Page, label: string, only?: string[], lesser?: AxeFinding[]): Promise<AxeFinding[]> {
  const found = await page.evaluate(async (rules) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe;
    type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };
    const res = await axe.run(document, { resultTypes: ["violations"], ...(rules ? { runOnly: { type: "rule", values: rules } } : {}) });
    return res.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.slice(0, 6).map((n) => n.target.map(String).join(" ")),
    }));
  }, only);
  const all = found.map((v) => ({ ...v, page: label }));
  lesser?.push(...all.filter((v) => v.impact !== "serious" && v.impact !== "critical"));
  return all.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** One line per rule and element: "rule (impact) selector: help — on page @width scheme, …". */
export function describeFindings(findings: AxeFinding[]): string {
  const byElement = new Map<string, string[]>();
  for (const f of findings)
    for (const t of f.targets) {
      const key = `${f.rule} (${f.impact}) ${t}: ${f.help}`;
      byElement.set(key, [...(byElement.get(key) ?? []), f.page]);
    }
  return [...byElement]
    .map(([key, pages]) => `${key} — on ${pages.slice(0, 4).join(", ")}${pages.length > 4 ? ` and ${pages.length - 4} more` : ""}`)
    .join("\n");
}

/** How far the page scrolls sideways (0 when it fits its window), and the outermost elements that stick out. */
export function sidewaysScroll(page: Page): Promise<{ over: number; culprits: string[] }> {
  return page.evaluate(() => {
    const el = document.scrollingElement ?? document.documentElement;
    const over = Math.max(0, el.scrollWidth - window.innerWidth);
    const culprits: string[] = [];
    if (over > 0) {
      const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${[...e.classList].map((c) => `.${c}`).join("")}`;
      const sticksOut = (e: Element) => e.getBoundingClientRect().right > window.innerWidth + 1;
      const clipped = (e: Element) => {
        // An absolutely placed element escapes the clipping of ancestors that do not contain it: count it.
        if (["absolute", "fixed"].includes(getComputedStyle(e).position)) return false;
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
          if (getComputedStyle(a).overflowX !== "visible" && !sticksOut(a)) return true;
        return false;
      };
      for (const e of document.body.querySelectorAll("*")) {
        if (!sticksOut(e) || clipped(e)) continue;
        // Only the outermost: its parent fits.
        const parent = e.parentElement;
        if (parent && parent !== document.body && sticksOut(parent)) continue;
        culprits.push(`${parent ? name(parent) + " > " : ""}${name(e)} (right ${Math.round(e.getBoundingClientRect().right)})`);
        if (culprits.length >= 4) break;
      }
    }
    return { over, culprits };
  });
}

/**
 * Until the route's page has rendered: its heading is there and no "Loading…" line is left, and that has held for
 * 300 ms (a page whose second query answers late re-renders once more).
 */
export async function pageSettled(page: Page, timeout = 15_000): Promise<void> {
  await page.evaluate(() => delete (window as { settledSince?: number }).settledSince);
  await page.waitForFunction(
    () => {
      const w = window as { settledSince?: number };
      const root = document.querySelector("main") ?? document.body;
      const ready = document.querySelector("h1") !== null && !/\bLoading\b[^.\n]*…/.test(root.textContent ?? "");
      if (!ready) delete w.settledSince;
      else w.settledSince ??= performance.now();
      return ready && performance.now() - w.settledSince! >= 300;
    },
    undefined,
    { timeout, polling: 100 },
  );
}
