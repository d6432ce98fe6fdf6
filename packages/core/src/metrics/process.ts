import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { MetricFamily } from "./exposition.ts";

/**
 * This process's own figures: CPU seconds, resident memory, heap, and event loop lag measured by Node's
 * monitorEventLoopDelay between two scrapes (reset at each, so the lag is the last scrape interval's).
 */
export class ProcessMetrics {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly startedAt = Math.floor(Date.now() / 1000 - process.uptime());
  constructor(private readonly role: string) {
    this.delay.enable();
  }

  stop(): void {
    this.delay.disable();
  }

  families(): MetricFamily[] {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const labels = { process: this.role };
    const lag = (q: number) => (this.delay.count > 0 ? this.delay.percentile(q) / 1e9 : 0);
    const out: MetricFamily[] = [
      {
        name: "openclaw_ops_process_cpu_seconds_total",
        type: "counter",
        help: "User and system CPU time this process spent.",
        samples: [{ labels, value: (cpu.user + cpu.system) / 1e6 }],
      },
      { name: "openclaw_ops_process_resident_memory_bytes", type: "gauge", help: "Resident set size.", samples: [{ labels, value: mem.rss }] },
      { name: "openclaw_ops_process_heap_used_bytes", type: "gauge", help: "V8 heap in use.", samples: [{ labels, value: mem.heapUsed }] },
      { name: "openclaw_ops_process_heap_total_bytes", type: "gauge", help: "V8 heap reserved.", samples: [{ labels, value: mem.heapTotal }] },
      {
        name: "openclaw_ops_process_event_loop_lag_seconds",
        type: "gauge",
        help: "Event loop delay since the previous scrape, at the 50th and 99th percentile and the maximum.",
        samples: [
          { labels: { ...labels, quantile: "0.5" }, value: lag(50) },
          { labels: { ...labels, quantile: "0.99" }, value: lag(99) },
          { labels: { ...labels, quantile: "1" }, value: this.delay.count > 0 ? this.delay.max / 1e9 : 0 },
        ],
      },
      {
        name: "openclaw_ops_process_start_time_seconds",
        type: "gauge",
        help: "When this process started, in Unix seconds.",
        samples: [{ labels, value: this.startedAt }],
      },
    ];
    this.delay.reset();
    return out;
  }
}
