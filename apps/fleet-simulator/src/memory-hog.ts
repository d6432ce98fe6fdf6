const CAP_BYTES = 200 * 1024 * 1024;
const TICK_MS = 250;

export type MemoryHog = { readPercent(): number; stop(): void };

/**
 * Models a leak: the reported memory percent climbs from `fromPercent` past 90 % after `ms`,
 * while the process really allocates up to 200 MB along the way.
 */
export function startMemoryHog(fromPercent: number, ms: number, onPercent: (p: number) => void): MemoryHog {
  const startedAt = Date.now();
  const chunks: Buffer[] = [];
  let allocated = 0;
  const fraction = () => (Date.now() - startedAt) / ms;
  const readPercent = () => Math.min(99.5, fromPercent + (92 - fromPercent) * fraction());
  const timer = setInterval(() => {
    const target = Math.min(CAP_BYTES, CAP_BYTES * fraction());
    while (allocated < target) {
      const size = Math.min(4 * 1024 * 1024, CAP_BYTES - allocated);
      // filled, not just reserved, so the pages count in RSS
      chunks.push(Buffer.alloc(size, 0x5a));
      allocated += size;
    }
    onPercent(readPercent());
  }, TICK_MS);
  timer.unref();
  return {
    readPercent,
    stop() {
      clearInterval(timer);
      chunks.length = 0;
    },
  };
}
