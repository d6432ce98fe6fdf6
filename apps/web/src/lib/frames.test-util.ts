import type { ServerFrame } from "@ops/contract";

/**
 * A frame as a test writes it: often just enough of one for the handler under test (a frame of another
 * feature, a payload with the fields that matter). What a real socket delivers is parsed by parseFrame
 * with the contract's schema first; ws.test.ts covers what that drops.
 */
export const frame = (raw: { type: string; [key: string]: unknown }): ServerFrame => raw as unknown as ServerFrame;
