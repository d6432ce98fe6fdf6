// Human output: aligned columns, sizes and times a person reads at a glance; colour only on a terminal.

export type Tone = "ok" | "warning" | "error" | "muted";

const COLOUR: Record<Tone, string> = { ok: "32", warning: "33", error: "31", muted: "2" };
const MARK: Record<Tone, string> = { ok: "✓", warning: "!", error: "✗", muted: "-" };

export const paint = (text: string, tone: Tone, color: boolean) => (color ? `\x1b[${COLOUR[tone]}m${text}\x1b[0m` : text);
export const mark = (tone: Tone, color: boolean) => paint(MARK[tone], tone, color);

/** Rows of cells as aligned columns (the last column is not padded). */
export function table(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c).length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - visible(c).length)))
        .join("  ")
        .trimEnd(),
  );
}

// eslint-disable-next-line no-control-regex
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, "");

export function formatSize(bytes: number | null): string {
  if (bytes === null) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[u]}`;
}

/** `2026-11-23 02:00:13Z` (UTC, as backup ids and cron schedules are). */
export function formatTime(iso: string | number | null): string {
  if (iso === null) return "-";
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")}Z`;
}
