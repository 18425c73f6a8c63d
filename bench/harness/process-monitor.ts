/**
 * In-process figures of a bench child (gateway, control): event-loop delay at 1 ms resolution,
 * event-loop utilisation, CPU time and memory, each since the last reset.
 */
import { monitorEventLoopDelay, performance as perf, type EventLoopUtilization } from 'node:perf_hooks';
import type { ChildStats } from './ipc.ts';

/** Measures this process between resets. */
export class ProcessMonitor {
  readonly #delay = monitorEventLoopDelay({ resolution: 1 });
  #elu: EventLoopUtilization = perf.eventLoopUtilization();
  #cpu = process.cpuUsage();
  #wall = performance.now();

  constructor() {
    this.#delay.enable();
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.#delay.reset();
    this.#elu = perf.eventLoopUtilization();
    this.#cpu = process.cpuUsage();
    this.#wall = performance.now();
  }

  /** Figures since the last reset. The delay histogram counts beyond the 1 ms sampling interval. */
  stats(): ChildStats {
    const ns = 1e6;
    const d = this.#delay;
    // The histogram records the whole timer interval (1 ms resolution + lag): subtract the resolution.
    const lag = (v: number) => Math.max(0, v / ns - 1);
    const cpu = process.cpuUsage(this.#cpu);
    const mem = process.memoryUsage();
    return {
      lagMs: { p50: lag(d.percentile(50)), p99: lag(d.percentile(99)), max: lag(d.max), mean: lag(d.mean) },
      elu: perf.eventLoopUtilization(this.#elu).utilization,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - this.#wall,
      rssMb: mem.rss / (1024 * 1024),
      heapUsedMb: mem.heapUsed / (1024 * 1024),
      heapTotalMb: mem.heapTotal / (1024 * 1024),
      externalMb: mem.external / (1024 * 1024),
    };
  }

  close(): void {
    this.#delay.disable();
  }
}
