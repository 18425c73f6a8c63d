/**
 * The control plane as a bench child process: configuration from the file `BENCH_CONFIG_FILE`,
 * no job worker (post-call work is not what a bench measures), and an IPC request that creates
 * inbound ACS calls directly in the store, as the incoming-call webhook would.
 */
import { loadConfig } from '../../control/contract/index.ts';
import { startControl } from '../../control/index.ts';
import { serveRequests, type ChildMessage } from './ipc.ts';
import { ProcessMonitor } from './process-monitor.ts';

async function main(): Promise<void> {
  // The bench writes the whole configuration as one JSON (valid YAML) file; the environment is not read.
  const config = loadConfig({ file: process.env.BENCH_CONFIG_FILE ?? 'bench-config-missing.yaml' });
  const control = await startControl(config, { worker: false });
  const monitor = new ProcessMonitor();
  serveRequests(async (req) => {
    switch (req.type) {
      case 'create-calls': {
        const ids: string[] = [];
        for (let i = 0; i < req.count; i++) {
          const phoneNumber = `${req.numberPrefix}${String(i).padStart(4, '0')}`;
          const { call } = await control.deps.calls.startInbound({ phoneNumber, carrier: 'acs' });
          ids.push(call.call_id);
        }
        return ids;
      }
      case 'stats':
        return monitor.stats();
      case 'reset-stats':
        return monitor.reset();
      case 'close':
        await control.close();
        setImmediate(() => process.exit(0));
        return true;
    }
  });
  process.send?.({ type: 'ready', url: control.url, port: control.port } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies ChildMessage);
  setImmediate(() => process.exit(1));
});
