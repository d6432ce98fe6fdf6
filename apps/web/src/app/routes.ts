export type Route =
  | { name: "board" }
  | { name: "target"; targetName: string }
  | { name: "notFound"; path: string };

export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return { name: "board" };
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

export function targetPath(name: string, range?: string): string {
  const base = `/targets/${encodeURIComponent(name)}`;
  return range ? `${base}?range=${encodeURIComponent(range)}` : base;
}
