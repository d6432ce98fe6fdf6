export type Route =
  | { name: "board" }
  | { name: "target"; targetName: string }
  | { name: "login" }
  | { name: "account" }
  | { name: "users" }
  | { name: "tokens" }
  | { name: "audit" }
  | { name: "notFound"; path: string };

const STATIC = new Map<string, Route>([
  ["/", { name: "board" }],
  ["/login", { name: "login" }],
  ["/account", { name: "account" }],
  ["/admin", { name: "users" }],
  ["/admin/users", { name: "users" }],
  ["/tokens", { name: "tokens" }],
  ["/audit", { name: "audit" }],
]);

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  const fixed = STATIC.get(path);
  if (fixed) return fixed;
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
