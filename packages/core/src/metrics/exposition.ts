/**
 * A small writer of the Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Our series are read at scrape time from
 * PostgreSQL, Redis, BullMQ and the fleet in memory rather than kept in process-local counters, so a client
 * library's registry (prom-client) would only be a second copy of figures we already hold; the format itself is
 * a few escaping rules.
 */

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge" | "histogram";
export type Labels = Readonly<Record<string, string>>;
export type Sample = { labels?: Labels; value: number; /** `_bucket`, `_sum`, `_count` of a histogram */ suffix?: string };
export type MetricFamily = { name: string; help: string; type: MetricType; samples: Sample[] };

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function labelText(labels: Labels | undefined): string {
  if (!labels) return "";
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(",")}}`;
}

/** The exposition text of these families, in order; names and label names are checked, so a bad one fails loudly in tests. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`bad metric name ${f.name}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      for (const k of Object.keys(s.labels ?? {})) if (!LABEL.test(k) || k.startsWith("__")) throw new Error(`bad label name ${k} on ${f.name}`);
      out.push(`${f.name}${s.suffix ?? ""}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return out.join("\n") + "\n";
}

/** A histogram's samples from per-bucket (not cumulative) counts; `bounds` ascending, `counts` one longer (the +Inf bucket). */
export function histogramSamples(labels: Labels, bounds: readonly number[], counts: readonly number[], sum: number): Sample[] {
  const out: Sample[] = [];
  let running = 0;
  bounds.forEach((le, i) => {
    running += counts[i] ?? 0;
    out.push({ suffix: "_bucket", labels: { ...labels, le: formatValue(le) }, value: running });
  });
  running += counts[bounds.length] ?? 0;
  out.push({ suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: running });
  out.push({ suffix: "_sum", labels, value: sum });
  out.push({ suffix: "_count", labels, value: running });
  return out;
}
