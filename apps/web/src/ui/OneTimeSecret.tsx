import { useRef, useState } from "react";
import type { ReactNode } from "react";

type Props = {
  title: string;
  secret: string;
  testId: string;
  onDone: () => void;
  children?: ReactNode;
};

/** A secret the server shows exactly once: copy it, read how to use it, then dismiss it for good. */
export function OneTimeSecret({ title, secret, testId, onDone, children }: Props) {
  const [copied, setCopied] = useState<"copied" | "manual" | null>(null);
  const valueRef = useRef<HTMLElement>(null);

  const selectValue = () => {
    const el = valueRef.current;
    const sel = window.getSelection();
    if (!el || !sel) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    sel.removeAllRanges();
    sel.addRange(range);
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("copied");
    } catch {
      // No clipboard API outside secure contexts: select it so Ctrl+C works.
      selectValue();
      setCopied("manual");
    }
  };

  return (
    <section className="secret" aria-labelledby={`${testId}-h`} data-testid={`${testId}-panel`}>
      <h3 id={`${testId}-h`}>{title}</h3>
      <div className="secret__row">
        <code className="secret__value" ref={valueRef} data-testid={testId} onFocus={selectValue} tabIndex={0}>
          {secret}
        </code>
        <button type="button" className="btn btn--primary" onClick={() => void copy()} data-testid={`${testId}-copy`}>
          {copied === "copied" ? "Copied ✓" : "Copy"}
        </button>
      </div>
      <p className="secret__warn" role="status">
        {copied === "manual" ? "Selected — press Ctrl+C (⌘C) to copy. " : ""}
        <strong>Copy it now: it will not be shown again.</strong>
      </p>
      {children && <div className="secret__help">{children}</div>}
      <div>
        <button type="button" className="btn" onClick={onDone} data-testid={`${testId}-done`}>
          Done, I have stored it
        </button>
      </div>
    </section>
  );
}
