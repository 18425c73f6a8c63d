/**
 * The control plane: call API, carrier webhooks and call control, the gateway's internal API,
 * post-call insights, reports and the softphone page.
 *
 * @example
 * const control = await startControl(config); // config from loadConfig(), in the entry point
 * console.log(control.url);
 * await control.close();
 */
export { startControl, type ControlOptions, type ControlServer } from './server/start.ts';
export type { ControlDeps } from './deps.ts';
