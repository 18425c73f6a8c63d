/**
 * Entry point of the gateway process: reads configuration (file + environment) once, sets up
 * telemetry, starts the gateway, and drains it on SIGTERM.
 */
import { ConfigError, loadConfig, setupTelemetry } from '../control/contract/index.ts';
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
  const appInsights = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? config.telemetry.app_insights_connection_string;
  const telemetry = await setupTelemetry({ serviceName: 'gateway', appInsightsConnectionString: appInsights, otlpTracesEndpoint: config.telemetry.otlp_traces_endpoint });
  for (const problem of describeProviderProblems(config)) console.error(`gateway: ${problem}`);
  const gateway = await startGateway(config, { telemetry, engineFactory: createEngineFactory(config) });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: draining ${gateway.activeCalls()} call(s) for up to ${config.gateway.drain_timeout_sec} s`);
    gateway
      .drain(config.gateway.drain_timeout_sec)
      .then(() => telemetry.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
