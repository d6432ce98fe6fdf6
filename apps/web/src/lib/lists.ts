/**
 * A cached list after one of its kind changed: replaced in place, dropped when it no longer matches,
 * or inserted where `before` says when it newly does. Null when it newly matches and there is no `before`
 * to place it with: the list has to be fetched again. The same array when nothing changed.
 */
export function upsertListItem<T extends { id: string | number }>(
  list: readonly T[],
  item: T,
  matches: boolean,
  before?: (a: T, b: T) => boolean,
  limit?: number,
): T[] | null {
  const at = list.findIndex((x) => x.id === item.id);
  if (at !== -1) {
    const next = [...list];
    if (matches) next[at] = item;
    else next.splice(at, 1);
    return next;
  }
  if (!matches) return list as T[];
  if (!before) return null;
  const pos = list.findIndex((x) => before(item, x));
  const next = [...list];
  next.splice(pos === -1 ? next.length : pos, 0, item);
  return limit !== undefined ? next.slice(0, limit) : next;
}
