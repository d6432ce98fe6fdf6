const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DASH = "—";

/** Compact duration with at most two units: "45 s", "12 m", "3 h 5 m", "2 d 4 h". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return DASH;
  const v = Math.max(0, ms);
  if (v < MINUTE) return `${Math.floor(v / SECOND)} s`;
  if (v < HOUR) return `${Math.floor(v / MINUTE)} m`;
  if (v < DAY) {
    const h = Math.floor(v / HOUR);
    const m = Math.floor((v % HOUR) / MINUTE);
    return m > 0 ? `${h} h ${m} m` : `${h} h`;
  }
  const d = Math.floor(v / DAY);
  const h = Math.floor((v % DAY) / HOUR);
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/**
 * A span in words for sentences about waiting and starting: "41 s", "1 min 20 s", "3 min", "1 h 5 min".
 * Whole seconds, rounded down, so a live count never runs ahead of the clock.
 */
export function formatSpan(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return DASH;
  const s = Math.floor(Math.max(0, ms) / SECOND);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m > 0 ? `${h} h ${m} min` : `${h} h`;
}

/** Milliseconds between two ISO timestamps, or null when either is missing or invalid. */
export function spanBetween(fromIso: string | null | undefined, toIso: string | null | undefined): number | null {
  if (!fromIso || !toIso) return null;
  const a = Date.parse(fromIso);
  const b = Date.parse(toIso);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.max(0, b - a);
}

/** Milliseconds from an ISO timestamp to `now`, or null when the timestamp is missing or invalid. */
export function elapsedSince(iso: string | null | undefined, now: number): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return now - t;
}

/** "just now", "4 s ago", "2 m ago", "3 h ago", "2 d ago". Future times (clock skew) read as "just now". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  const ms = elapsedSince(iso, now);
  if (ms == null) return "never";
  if (ms < 2 * SECOND) return "just now";
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s ago`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} m ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  return `${Math.floor(ms / DAY)} d ago`;
}

/** "in 12 m", "in 3 h 5 m"; "now" once passed (for expiries). */
export function formatUntil(iso: string | null | undefined, now: number): string {
  const ms = elapsedSince(iso, now);
  if (ms == null) return DASH;
  if (ms >= 0) return "now";
  return `in ${formatDuration(-ms)}`;
}

/** "<1 ms", "3.4 ms", "123 ms", "1.23 s", "12.3 s". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return DASH;
  if (ms < 1) return "<1 ms";
  if (ms < 10) return `${trimZero(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${trimZero((ms / 1000).toFixed(2))} s`;
  if (ms < 100_000) return `${trimZero((ms / 1000).toFixed(1))} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** Axis ticks: short, no decimals where they add nothing. */
export function formatLatencyTick(ms: number): string {
  if (ms === 0) return "0";
  if (ms < 1000) return `${trimZero(ms.toFixed(ms < 10 ? 1 : 0))} ms`;
  return `${trimZero((ms / 1000).toFixed(1))} s`;
}

/** "78.2 %", "93 %". */
export function formatPercent(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  return `${trimZero(value.toFixed(1))} %`;
}

/** Uptime as of `now`, advanced from the figure the target reported at `checkedAt`. */
export function currentUptime(uptimeMs: number | null | undefined, checkedAt: string | null | undefined, now: number): number | null {
  if (uptimeMs == null || !Number.isFinite(uptimeMs)) return null;
  const since = elapsedSince(checkedAt, now);
  return uptimeMs + Math.max(0, since ?? 0);
}

type ClockOptions = { timeZone?: string; withSeconds?: boolean };

/** "14:03:12" for today, "23 Nov 14:03:12" otherwise (both in the viewer's zone unless given). */
export function formatTimestamp(iso: string | null | undefined, now: number, opts: ClockOptions = {}): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const { timeZone, withSeconds = true } = opts;
  const time = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    ...(withSeconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
    timeZone,
  }).format(t);
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone });
  const sameDay = day.format(t) === day.format(now) && Math.abs(now - t) < DAY;
  return sameDay ? time : `${day.format(t)} ${time}`;
}

/** Calendar-ish time for tables: "today 14:03", "14 Oct 09:12", or "11 Feb 2027" outside the current year. */
export function formatDay(iso: string | null | undefined, now: number, timeZone?: string): string {
  if (!iso) return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const year = new Intl.DateTimeFormat("en-GB", { year: "numeric", timeZone });
  if (year.format(t) !== year.format(now)) {
    return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone }).format(t);
  }
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(t);
  const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone });
  return day.format(t) === day.format(now) ? `today ${time}` : `${day.format(t)} ${time}`;
}

/**
 * A calendar day for tables: "today", "yesterday", "4 Dec", or "11 Feb 2025" outside the current year. Takes a day as
 * written ("2026-12-05", a calendar day wherever the viewer is) or a timestamp (its day in the viewer's zone), so a
 * column mixing both reads alike.
 */
export function formatDate(value: string | null | undefined, now: number, timeZone?: string): string {
  if (!value) return DASH;
  const ymd = (t: number, zone: string | undefined) =>
    new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone }).format(t);
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = dayOnly ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(t)) return DASH;
  // The day as written, or the timestamp's day where the viewer is; both compared with the viewer's today.
  const zone = dayOnly ? "UTC" : timeZone;
  const day = ymd(t, zone);
  const today = ymd(now, timeZone);
  if (day === today) return "today";
  if (day === ymd(now - DAY, timeZone)) return "yesterday";
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }), timeZone: zone }).format(t);
}

/** Axis label for a time within a chart range of `spanMs`. */
export function formatAxisTime(t: number, spanMs: number, timeZone?: string): string {
  if (spanMs <= 2 * DAY) {
    return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(t);
  }
  return new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", timeZone }).format(t);
}

function trimZero(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
