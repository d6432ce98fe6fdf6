import { memo, useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { CSSProperties, ReactNode } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import type { Virtualizer } from "@tanstack/react-virtual";
import { BackupsAlert } from "../../features/backups/components/BackupsAlert.tsx";
import { IncidentBadge, OpenIncidentsBanner } from "../../features/incidents/components/OpenIncidents.tsx";
import { openByTarget } from "../../features/incidents/incidents.ts";
import { useOpenIncidents } from "../../features/incidents/queries.ts";
import type { Incident } from "../../features/incidents/types.ts";
import {
  BOARD_STATUSES,
  boardRows,
  boardSearch,
  boardSections,
  columnsFor,
  countBoardStatuses,
  filterTargets,
  formatCount,
  isFiltered,
  parseBoardQuery,
  resultsLine,
} from "../../features/targets/board-filter.ts";
import type { BoardQuery, BoardRow, BoardSection, BoardStatus } from "../../features/targets/board-filter.ts";
import { TargetTile } from "../../features/targets/components/TargetTile.tsx";
import { useMonitoring } from "../../features/targets/queries.ts";
import { actionErrorMessage } from "../../lib/api.ts";
import { useNow } from "../../lib/clock.ts";
import { navigate, searchOf, useHref } from "../../lib/router.tsx";
import { boardPath } from "../../lib/routes.ts";
import { useCan } from "../../lib/session.ts";
import { countStatuses, staleAfterMs } from "../../lib/target-status.ts";
import { useTargets } from "../../lib/targets-query.ts";
import type { Target } from "../../lib/targets.ts";
import { Forbidden } from "../../ui/Forbidden.tsx";

const fmt = formatCount;

function summary(targets: readonly Target[], noun: readonly [string, string]): string {
  const c = countStatuses(targets);
  const monitored = targets.length - c.disabled;
  const bad = (["down", "critical", "warning", "unknown"] as const).filter((s) => c[s] > 0).map((s) => `${fmt(c[s])} ${s}`);
  const parts = [bad.length === 0 && monitored > 0 ? `all ${fmt(monitored)} ok` : `${fmt(c.ok)} of ${fmt(monitored)} ok`, ...bad];
  if (c.disabled > 0) parts.push(`${fmt(c.disabled)} not monitored`);
  return `${fmt(targets.length)} ${targets.length === 1 ? noun[0] : noun[1]} · ${parts.join(" · ")}`;
}

/** A group's count before its title: "9,984 ok" (http services), "3" (not monitored), "40" (unknown or stale). */
function groupCount(s: BoardSection): string {
  return s.tone === "rest" ? `${fmt(s.targets.length)} ok` : fmt(s.targets.length);
}

export function BoardPage() {
  return useCan("targets:read") ? <Board /> : <Forbidden action="view the fleet board" />;
}

function Board() {
  const q = useTargets();
  const now = useNow();
  const staleMs = staleAfterMs(useMonitoring());
  const open = useOpenIncidents();
  const byTarget = useMemo(() => openByTarget(open.data), [open.data]);
  const href = useHref();
  const query = useMemo(() => parseBoardQuery(searchOf(href)), [href]);

  if (!q.data) {
    if (q.isError) {
      return (
        <div className="panel panel--muted" data-testid="board-unavailable">
          <h1>No fleet data yet</h1>
          <p>The board fills in as soon as the API answers. {actionErrorMessage(q.error, "view the fleet board")}</p>
        </div>
      );
    }
    return (
      <div className="panel panel--muted" data-testid="board-loading">
        <p>
          Loading fleet…
          {q.failureCount > 0 &&
            ` The API has not answered yet (attempt ${q.failureCount + 1}: ${actionErrorMessage(q.failureReason, "view the fleet board")}).`}
        </p>
      </div>
    );
  }

  return (
    <div className="board">
      <h1 className="sr-only">Fleet board</h1>
      <OpenIncidentsBanner incidents={open.data} />
      <BackupsAlert />
      <BoardBody targets={q.data} query={query} now={now} staleMs={staleMs} incidents={byTarget} />
    </div>
  );
}

type BodyProps = { targets: Target[]; query: BoardQuery; now: number; staleMs: number; incidents: ReadonlyMap<string, Incident[]> };

function BoardBody({ targets, query, now, staleMs, incidents }: BodyProps) {
  // Typing stays responsive at 10,000 targets: the list follows the query a frame later when it must.
  const deferred = useDeferredValue(query);
  const [opened, setOpened] = useState<ReadonlySet<string>>(() => new Set());
  // Staleness moves with the clock; a 5 s step is fine for grouping (each tile shows its own "checked … ago").
  const nowStep = Math.floor(now / 5000) * 5000;
  const sections = useMemo(() => boardSections(targets, deferred, { now: nowStep, staleAfterMs: staleMs }), [targets, deferred, nowStep, staleMs]);
  const filtered = isFiltered(deferred);
  const matched = filtered ? (sections[0]?.targets.length ?? 0) : targets.length;
  const chipCounts = useMemo(() => countBoardStatuses(filterTargets(targets, { ...query, statuses: [] })), [targets, query]);

  const setQuery = (next: BoardQuery) => navigate(boardPath(boardSearch(next)), { replace: true });
  const toggle = (id: string) =>
    setOpened((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <BoardControls query={query} setQuery={setQuery} counts={chipCounts} line={resultsLine(matched, targets.length, filtered)} />
      <VirtualBoard sections={sections} opened={opened} toggle={toggle} now={now} staleMs={staleMs} incidents={incidents} />
    </>
  );
}

const CHIP_LABEL: Record<BoardStatus, string> = { down: "down", critical: "critical", warning: "warning", ok: "ok", unknown: "unknown", off: "off" };

type ControlsProps = { query: BoardQuery; setQuery: (q: BoardQuery) => void; counts: Record<BoardStatus, number>; line: string };

function BoardControls({ query, setQuery, counts, line }: ControlsProps) {
  const toggleStatus = (s: BoardStatus) =>
    setQuery({ ...query, statuses: query.statuses.includes(s) ? query.statuses.filter((x) => x !== s) : [...query.statuses, s] });
  const filtered = isFiltered(query);
  return (
    <div className="board-bar" role="search" aria-label="Find targets">
      <div className="board-bar__search">
        <label htmlFor="board-search" className="sr-only">
          Search targets
        </label>
        <input
          id="board-search"
          type="search"
          placeholder="Search targets"
          autoComplete="off"
          spellCheck={false}
          value={query.text}
          onChange={(e) => setQuery({ ...query, text: e.target.value })}
          data-testid="board-search"
        />
      </div>
      <div className="board-bar__chips" role="group" aria-label="Status">
        {BOARD_STATUSES.map((s) => {
          const on = query.statuses.includes(s);
          if (!on && counts[s] === 0) return null;
          return (
            <button
              key={s}
              type="button"
              className={`chip pill pill--${s}${on ? " is-on" : ""}`}
              aria-pressed={on}
              onClick={() => toggleStatus(s)}
              data-testid={`board-chip-${s}`}
            >
              <span className="pill__n">{fmt(counts[s])}</span> {CHIP_LABEL[s]}
            </button>
          );
        })}
      </div>
      <label className="board-bar__kind">
        <span className="sr-only">Kind</span>
        <select
          value={query.kind ?? ""}
          onChange={(e) => setQuery({ ...query, kind: e.target.value === "agent" || e.target.value === "service" ? e.target.value : null })}
          data-testid="board-kind"
        >
          <option value="">All kinds</option>
          <option value="agent">Agents</option>
          <option value="service">Services</option>
        </select>
      </label>
      <p className="board-bar__count" aria-live="polite" aria-atomic="true" data-testid="board-count">
        {line}
        {filtered && (
          <>
            {" · "}
            <button type="button" className="board-bar__clear" onClick={() => setQuery({ text: "", statuses: [], kind: null })} data-testid="board-clear">
              clear
            </button>
          </>
        )}
      </p>
    </div>
  );
}

/**
 * A row's height without forcing a layout: from the ResizeObserver's entry (read after the browser's own layout),
 * else what is known or estimated. The library's default reads offsetHeight as each row mounts, and with its
 * scroll adjustments between rows that was one synchronous layout per row: the top cost in the profile of
 * navigation → usable and of scrolling at 10,000 targets. The observer reports every new row before it is painted.
 */
function measureRow(el: Element, entry: ResizeObserverEntry | undefined, v: Virtualizer<Window, Element>): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  if (entry) return (el as HTMLElement).offsetHeight;
  const index = v.indexFromElement(el);
  return v.itemSizeCache.get(v.options.getItemKey(index)) ?? v.options.estimateSize(index);
}

type TileProps = { target: Target; now: number; staleMs: number; incidents: Incident[] | undefined };

/**
 * A tile drawn again only when its target, the clock's second or its incidents change: scrolling and a live frame
 * that changed other targets leave it alone (at 10,000 targets a frame arrives every second or so).
 */
const BoardTile = memo(function BoardTile({ target, now, staleMs, incidents }: TileProps) {
  return <TargetTile target={target} now={now} staleAfterMs={staleMs} badge={<IncidentBadge name={target.name} incidents={incidents} />} />;
});

/** Below this many tiles the whole board is drawn: today's DOM, nothing to window. */
const DRAW_ALL_TILES = 120;

type VirtualProps = {
  sections: BoardSection[];
  opened: ReadonlySet<string>;
  toggle: (id: string) => void;
  now: number;
  staleMs: number;
  incidents: ReadonlyMap<string, Incident[]>;
};

/**
 * The board as one window-scrolled list of rows (a section heading, or a row of tiles): only the rows on screen
 * (and a few either side, so Tab reaches the next tile) are in the DOM. Rows keep normal flow inside spacers, so
 * consecutive rows of a section sit in one <section> and headings keep their look.
 */
function VirtualBoard({ sections, opened, toggle, now, staleMs, incidents }: VirtualProps) {
  const listRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(() => (typeof window === "undefined" ? 1200 : Math.max(0, window.innerWidth - 48)));
  const [margin, setMargin] = useState(0);
  const cols = columnsFor(width);
  const rows = useMemo(() => boardRows(sections, cols, opened), [sections, cols, opened]);
  const tiles = useMemo(() => rows.reduce((n, r) => n + (r.type === "tiles" ? r.targets.length : 0), 0), [rows]);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => {
      setWidth(el.clientWidth);
      setMargin(Math.round(el.getBoundingClientRect().top + window.scrollY));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    // Banners above the list (incidents, backups) move it down; its offset is read again when the page resizes.
    ro.observe(document.body);
    return () => ro.disconnect();
  }, []);

  const virtual = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (i) => (rows[i]?.type === "tiles" ? 150 : 36),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: tiles <= DRAW_ALL_TILES ? rows.length : 6,
    scrollMargin: margin,
    measureElement: measureRow,
  });
  const items = virtual.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const before = first ? first.start - margin : 0;
  const after = last ? virtual.getTotalSize() - (last.end - margin) : 0;

  // Consecutive rows of one section are drawn inside one <section>.
  const runs: { section: BoardSection; rows: { row: BoardRow; index: number }[] }[] = [];
  for (const it of items) {
    const row = rows[it.index];
    if (!row) continue;
    const cur = runs[runs.length - 1];
    if (cur && cur.section.id === row.section.id) cur.rows.push({ row, index: it.index });
    else runs.push({ section: row.section, rows: [{ row, index: it.index }] });
  }

  const gridStyle = { "--cols": cols } as CSSProperties;
  const drawRow = (row: BoardRow, index: number): ReactNode => {
    const props = { key: row.key, "data-index": index, ref: virtual.measureElement };
    if (row.type === "head") return <SectionHead {...props} section={row.section} open={row.open} toggle={toggle} />;
    if (row.type === "empty") {
      return (
        <div {...props} className="board-row board-row--last">
          <p className="empty">{row.section.tone === "results" ? "No target matches." : "None configured."}</p>
        </div>
      );
    }
    return (
      <div {...props} className={row.last ? "board-row board-row--last" : "board-row"}>
        <div className={`grid grid--${row.section.id}`} style={gridStyle}>
          {row.targets.map((t) => (
            <BoardTile key={t.name} target={t} now={now} staleMs={staleMs} incidents={incidents.get(t.name)} />
          ))}
        </div>
      </div>
    );
  };

  return (
    <div ref={listRef} className="board-list" style={{ paddingTop: before, paddingBottom: after }} data-testid="board-list" data-rows={rows.length}>
      {runs.map((run) => (
        <section
          key={run.section.id}
          className={`section section--${run.section.tone}`}
          aria-label={run.section.title}
          data-testid={`section-${run.section.id}`}
        >
          {run.rows.map(({ row, index }) => drawRow(row, index))}
        </section>
      ))}
    </div>
  );
}

type HeadProps = {
  section: BoardSection;
  open: boolean;
  toggle: (id: string) => void;
  "data-index": number;
  ref: (el: HTMLElement | null) => void;
};

function SectionHead({ section: s, open, toggle, ...row }: HeadProps) {
  const hid = `${s.id}-h`;
  if (!s.collapsible) {
    return (
      <div {...row} className="board-row">
        <div className="section__head">
          <h2 id={hid}>{s.title}</h2>
          <span className="section__summary">{summary(s.targets, s.noun)}</span>
        </div>
      </div>
    );
  }
  return (
    <div {...row} className={open ? "board-row" : "board-row board-row--last"}>
      <div className="section__head">
        <h2 id={hid}>
          <button type="button" className="group-toggle" aria-expanded={open} onClick={() => toggle(s.id)} data-testid={`group-${s.id}`}>
            <span className="group-toggle__caret" aria-hidden="true">
              {open ? "▾" : "▸"}
            </span>
            <span className={`group-toggle__count group-toggle__count--${s.tone}`}>{groupCount(s)}</span>
            <span className="group-toggle__title">{s.title}</span>
          </button>
        </h2>
      </div>
    </div>
  );
}
