import { useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";

type Props = { label: string; className?: string; children: ReactNode; testId?: string };

/**
 * A box whose content may be wider (or taller) than it, e.g. a table on a phone: while it scrolls it is a named
 * region that takes the keyboard focus, so arrow keys scroll it; when everything fits it is a plain box and no tab stop.
 */
export function ScrollBox({ label, className, children, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
    check();
    const watch = new ResizeObserver(check);
    watch.observe(el);
    for (const child of el.children) watch.observe(child);
    return () => watch.disconnect();
  }, []);
  return (
    <div
      ref={ref}
      className={className}
      role={scrolls ? "region" : undefined}
      aria-label={scrolls ? label : undefined}
      tabIndex={scrolls ? 0 : undefined}
      data-testid={testId}
      data-scrolls={scrolls}
    >
      {children}
    </div>
  );
}
