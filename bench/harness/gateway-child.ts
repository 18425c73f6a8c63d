/**
 * The media gateway as a bench child process: configuration from the file `BENCH_CONFIG_FILE`,
 * the real conversation engine, and a process monitor (event-loop delay, CPU, memory) that the
 * bench reads over IPC, so the gateway's loop is measured apart from the callers'.
 */
import { loadConfig } from '../../control/contract/index.ts';
import { serveRequests, type ChildMessage } from './ipc.ts';
import { ProcessMonitor } from './process-monitor.ts';

/** What the bench needs of the gateway module (`gateway/index.ts`). */
interface GatewayModule {
  startGateway(config: unknown, options: { engineFactory: unknown }): Promise<{ readonly port?: number; readonly url?: string; close(): Promise<void> }>;
}
interface EngineModule {
  createEngineFactory(config: unknown): unknown;
}

async function main(): Promise<void> {
  const config = loadConfig({ file: process.env.BENCH_CONFIG_FILE ?? 'bench-config-missing.yaml' });
  // Resolved at run time: the bench starts whatever gateway is checked out, or another build of it.
  const gatewayPath = process.env.BENCH_GATEWAY_MODULE ?? '../../gateway/index.ts';
  const enginePath = process.env.BENCH_ENGINE_MODULE ?? '../../gateway/engine/index.ts';
  const { startGateway } = (await import(gatewayPath)) as GatewayModule;
  const { createEngineFactory } = (await import(enginePath)) as EngineModule;
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
  const port = gateway.port ?? Number(new URL(gateway.url ?? 'ws://127.0.0.1:0').port);
  process.send?.({ type: 'ready', url: gateway.url ?? `ws://127.0.0.1:${port}`, port } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies ChildMessage);
  setImmediate(() => process.exit(1));
});
