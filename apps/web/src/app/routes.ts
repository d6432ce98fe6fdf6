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
]);

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  const fixed = STATIC.get(path);
  if (fixed) return fixed;
  const inc = /^\/incidents\/(?:INC-)?(\d{1,15})$/i.exec(path);
  if (inc?.[1]) return { name: "incident", id: Number(inc[1]) };
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
