/**
 * Entry point of the gateway process: reads configuration (file + environment) once, sets up
 * telemetry, starts the gateway, and drains it on SIGTERM.
 */
import { ConfigError, loadConfig, setupTelemetry, stopOnSignals } from '../control/contract/index.ts';
import { createEngineFactory, describeProviderProblems } from './engine/index.ts';
import { startGateway } from './gateway.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ file: process.env.CONFIG_FILE, env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const telemetry = await setupTelemetry({ serviceName: 'gateway', appInsightsConnectionString: config.telemetry.app_insights_connection_string, otlpTracesEndpoint: config.telemetry.otlp_traces_endpoint });
  for (const problem of describeProviderProblems(config)) console.error(`gateway: ${problem}`);
  const gateway = await startGateway(config, { telemetry, engineFactory: createEngineFactory(config) });
  stopOnSignals('gateway', async (signal) => {
    console.error(`${signal}: draining ${gateway.activeCalls()} call(s) for up to ${config.gateway.drain_timeout_sec} s`);
    await gateway.drain(config.gateway.drain_timeout_sec);
    await telemetry.shutdown();
  });
}

await main();
