import { useEffect, useRef } from "react";

/**
 * For a button that opens an inline question (confirm, resolve, cancel): when the question closes — answered,
 * cancelled or Escape — and the focus was left on nothing (its buttons are gone), the focus goes back to the button
 * that opened it, so a keyboard user carries on where they were. Put the returned ref on that button.
 */
export function useReturnFocus<T extends HTMLElement = HTMLButtonElement>(open: boolean) {
  const ref = useRef<T>(null);
  const wasOpen = useRef(open);
  useEffect(() => {
    const active = document.activeElement;
    if (wasOpen.current && !open && (!active || active === document.body)) ref.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return ref;
}
