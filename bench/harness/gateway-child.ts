/**
 * The media gateway as a bench child process: configuration from the file `BENCH_CONFIG_FILE`,
 * the real conversation engine, and a process monitor (event-loop delay, CPU, memory) that the
 * bench reads over IPC, so the gateway's loop is measured apart from the callers'.
 */
import { loadConfig } from '../../control/contract/index.ts';
import { createEngineFactory } from '../../gateway/engine/index.ts';
import { startGateway } from '../../gateway/index.ts';
import { serveRequests, type ChildMessage } from './ipc.ts';
import { ProcessMonitor } from './process-monitor.ts';

async function main(): Promise<void> {
  const config = loadConfig({ file: process.env.BENCH_CONFIG_FILE ?? 'bench-config-missing.yaml' });
  const gateway = await startGateway(config, { engineFactory: createEngineFactory(config) });
  const monitor = new ProcessMonitor();
  serveRequests(async (req) => {
    switch (req.type) {
      case 'stats':
        return monitor.stats();
      case 'reset-stats':
        return monitor.reset();
      case 'close':
        await gateway.close();
        setImmediate(() => process.exit(0));
        return true;
      default:
        throw new Error(`the gateway child does not handle ${req.type}`);
    }
  });
  process.send?.({ type: 'ready', url: `ws://127.0.0.1:${gateway.port}`, port: gateway.port } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies ChildMessage);
  setImmediate(() => process.exit(1));
});
