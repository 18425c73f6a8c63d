/**
 * Process entry points of both services stop the same way: on the first SIGTERM or SIGINT, run
 * `stop` once (close or drain, then flush telemetry) and exit 0, or 1 if stopping failed.
 */

/**
 * Installs the SIGTERM/SIGINT handlers of an entry point.
 * @example stopOnSignals('control', (signal) => control.close().then(() => telemetry.shutdown()));
 */
export function stopOnSignals(label: string, stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop(signal)
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`${label}: stopping failed:`, error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
