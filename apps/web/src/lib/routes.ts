export type Route =
  | { name: "board" }
  | { name: "target"; targetName: string }
  | { name: "login" }
  | { name: "account" }
  | { name: "users" }
  | { name: "tokens" }
  | { name: "audit" }
  | { name: "incidents" }
  | { name: "incident"; id: number }
  | { name: "cases" }
  | { name: "runbooks" }
  | { name: "procedure"; runbookId: string; procedureId: string }
  | { name: "runs" }
  | { name: "run"; id: number }
  | { name: "postmortems" }
  | { name: "postmortem"; id: number }
  | { name: "learnings" }
  | { name: "patterns" }
  | { name: "learning"; learningId: string }
  | { name: "promotions" }
  | { name: "promotion"; id: number }
  | { name: "handoff" }
  | { name: "proposals" }
  | { name: "proposal"; id: number | "new" }
  | { name: "backups" }
  | { name: "backup"; id: string }
  | { name: "slos" }
  | { name: "slo"; id: number }
  | { name: "delivery" }
  | { name: "notFound"; path: string };

const STATIC = new Map<string, Route>([
  ["/", { name: "board" }],
  ["/login", { name: "login" }],
  ["/account", { name: "account" }],
  ["/admin", { name: "users" }],
  ["/admin/users", { name: "users" }],
  ["/tokens", { name: "tokens" }],
  ["/audit", { name: "audit" }],
  ["/incidents", { name: "incidents" }],
  ["/cases", { name: "cases" }],
  ["/runbooks", { name: "runbooks" }],
  ["/runs", { name: "runs" }],
  ["/postmortems", { name: "postmortems" }],
  ["/learnings", { name: "learnings" }],
  ["/learnings/patterns", { name: "patterns" }],
  ["/promotions", { name: "promotions" }],
  ["/handoff", { name: "handoff" }],
  ["/proposals", { name: "proposals" }],
  ["/backups", { name: "backups" }],
  ["/slos", { name: "slos" }],
  ["/delivery", { name: "delivery" }],
]);

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  const fixed = STATIC.get(path);
  if (fixed) return fixed;
  const inc = /^\/incidents\/(?:INC-)?(\d{1,15})$/i.exec(path);
  if (inc?.[1]) return { name: "incident", id: Number(inc[1]) };
  const run = /^\/runs\/(\d{1,15})$/.exec(path);
  if (run?.[1]) return { name: "run", id: Number(run[1]) };
  const pm = /^\/postmortems\/(\d{1,15})$/.exec(path);
  if (pm?.[1]) return { name: "postmortem", id: Number(pm[1]) };
  const promo = /^\/promotions\/(\d{1,15})$/.exec(path);
  if (promo?.[1]) return { name: "promotion", id: Number(promo[1]) };
  const slo = /^\/slos\/(\d{1,15})$/.exec(path);
  if (slo?.[1]) return { name: "slo", id: Number(slo[1]) };
  const prop = /^\/proposals\/(new|\d{1,15})$/.exec(path);
  if (prop?.[1]) return { name: "proposal", id: prop[1] === "new" ? "new" : Number(prop[1]) };
  const bk = /^\/backups\/((?:database|redis|workspace|agent-state|full)-\d{8}-\d{6}-[a-z0-9]{4})$/.exec(path);
  if (bk?.[1]) return { name: "backup", id: bk[1] };
  const lrn = /^\/learnings\/([^/]+)$/.exec(path);
  if (lrn?.[1]) {
    try {
      return { name: "learning", learningId: decodeURIComponent(lrn[1]) };
    } catch {
      return { name: "notFound", path: pathname };
    }
  }
  const proc = /^\/runbooks\/([^/]+)\/([^/]+)$/.exec(path);
  if (proc?.[1] && proc[2]) {
    try {
      return { name: "procedure", runbookId: decodeURIComponent(proc[1]), procedureId: decodeURIComponent(proc[2]) };
    } catch {
      return { name: "notFound", path: pathname };
    }
  }
  const m = /^\/targets\/([^/]+)$/.exec(path);
  if (m?.[1]) {
    try {
      return { name: "target", targetName: decodeURIComponent(m[1]) };
    } catch {
      return { name: "notFound", path: pathname };
    }
  }
  return { name: "notFound", path: pathname };
}

export function pathOf(href: string): string {
  return href.split(/[?#]/)[0] || "/";
}

/** The board with its search and filters (`q`, `status`, `kind`), as the board's own query string gives them. */
export function boardPath(search = ""): string {
  const s = search.replace(/^\?/, "");
  return s ? `/?${s}` : "/";
}

export function targetPath(name: string, range?: string): string {
  const base = `/targets/${encodeURIComponent(name)}`;
  return range ? `${base}?range=${encodeURIComponent(range)}` : base;
}

export function incidentPath(id: number): string {
  return `/incidents/${id}`;
}

/** The incidents list; the open tab and no target filter are the defaults and stay out of the URL. */
export function incidentsPath(status?: string, target?: string): string {
  const q = new URLSearchParams();
  if (status && status !== "open") q.set("status", status);
  if (target) q.set("target", target);
  const qs = q.toString();
  return qs ? `/incidents?${qs}` : "/incidents";
}

/** The cases page, optionally with one case open in the editor ("new" for a blank one). */
export function casesPath(open?: string): string {
  return open ? `/cases?case=${encodeURIComponent(open)}` : "/cases";
}

/** The runbook catalogue; `search` ("?agent=steward&incident=4") is the context carried to the run form. */
export function runbooksPath(search = ""): string {
  return `/runbooks${search && search !== "?" ? (search.startsWith("?") ? search : `?${search}`) : ""}`;
}

/** The catalogue for acting on a target (and an incident): `/runbooks?incident=4&agent=steward`. */
export function runForPath(opts: { agent?: string | null; incident?: number | null }): string {
  const q = new URLSearchParams();
  if (opts.incident != null) q.set("incident", String(opts.incident));
  if (opts.agent) q.set("agent", opts.agent);
  return runbooksPath(q.toString());
}

export function procedurePath(runbookId: string, procedureId: string, search = ""): string {
  const base = `/runbooks/${encodeURIComponent(runbookId)}/${encodeURIComponent(procedureId)}`;
  return search && search !== "?" ? `${base}${search.startsWith("?") ? search : `?${search}`}` : base;
}

export function runPath(id: number): string {
  return `/runs/${id}`;
}

/** The run history; empty filters stay out of the URL. */
export function runsPath(filter: { status?: string; runbook?: string; target?: string; incident?: number } = {}): string {
  const q = new URLSearchParams();
  if (filter.status) q.set("status", filter.status);
  if (filter.runbook) q.set("runbook", filter.runbook);
  if (filter.target) q.set("target", filter.target);
  if (filter.incident != null) q.set("incident", String(filter.incident));
  const qs = q.toString();
  return qs ? `/runs?${qs}` : "/runs";
}

export function postmortemPath(id: number): string {
  return `/postmortems/${id}`;
}

/** The postmortem list; "all" statuses is the default and stays out of the URL. */
export function postmortemsPath(filter: { status?: string; incident?: number } = {}): string {
  const q = new URLSearchParams();
  if (filter.status) q.set("status", filter.status);
  if (filter.incident != null) q.set("incident", String(filter.incident));
  const qs = q.toString();
  return qs ? `/postmortems?${qs}` : "/postmortems";
}

export function learningPath(id: string): string {
  return `/learnings/${encodeURIComponent(id)}`;
}

/** The learnings list with its filters; empty ones stay out of the URL. */
export function learningsPath(filter: Record<string, string | number | undefined> = {}): string {
  return withFilter("/learnings", filter);
}

/** A list's path with its filters; empty ones stay out of the URL. */
function withFilter(base: string, filter: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== "") q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${base}?${qs}` : base;
}

export function patternsPath(): string {
  return "/learnings/patterns";
}

export function promotionPath(id: number): string {
  return `/promotions/${id}`;
}

export function promotionsPath(kind?: string): string {
  return kind ? `/promotions?kind=${encodeURIComponent(kind)}` : "/promotions";
}

export function handoffPath(): string {
  return "/handoff";
}

/** A proposal's page, or "new" for the form that opens one. */
export function proposalPath(id: number | "new"): string {
  return `/proposals/${id}`;
}

/** The proposals list, all statuses unless one is given. */
export function proposalsPath(status?: string): string {
  return `/proposals${status ? `?status=${encodeURIComponent(status)}` : ""}`;
}

/** The backups page; the history's filters stay out of the URL when empty. */
export function backupsPath(filter: { type?: string; status?: string } = {}): string {
  return withFilter("/backups", { type: filter.type, status: filter.status });
}

/** One backup, by its id (`database-20261123-020000-a1b2`). */
export function backupPath(id: string): string {
  return `/backups/${encodeURIComponent(id)}`;
}

/** The SLO overview, worst first. */
export function slosPath(): string {
  return "/slos";
}

/** One SLO: budget, burn-down, burn rates, alerts, policy. */
export function sloPath(id: number): string {
  return `/slos/${id}`;
}

/** The delivery (DORA) metrics. */
export function deliveryPath(): string {
  return "/delivery";
}
