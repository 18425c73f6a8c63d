/** What control's routes and jobs share: configuration, backends, carriers and services of one process. */
import type { Logger } from 'pino';
import type { Cache } from './cache/types.ts';
import type { Config, Telemetry } from './contract/index.ts';
import type { JobQueue } from './queue/types.ts';
import type { CallStore } from './store/types.ts';
import type { CallService } from './calls/call-service.ts';
import type { MediaUrls } from './calls/media-url.ts';
import type { Carriers } from './carriers/types.ts';
import type { JobScheduler } from './jobs/schedule.ts';
import type { SmsSender } from './sms/sms-sender.ts';
import type { ControlMetrics } from './telemetry/control-metrics.ts';
import type { AcsControl } from './carriers/acs/acs-carrier.ts';
import type { TwilioControl } from './carriers/twilio/twilio-carrier.ts';

/** The dependencies of control's routes, built once by `startControl`. */
export interface ControlDeps {
  readonly config: Config;
  readonly store: CallStore;
  readonly cache: Cache;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly metrics: ControlMetrics;
  readonly calls: CallService;
  readonly carriers: Carriers;
  readonly media: MediaUrls;
  readonly jobs: JobScheduler;
  readonly sms: SmsSender;
  /** Present when `config.acs` is set. */
  readonly acs: AcsControl | undefined;
  /** Present when `config.twilio` is set. */
  readonly twilio: TwilioControl | undefined;
  readonly now: () => number;
  /** Outbound HTTP (emergency webhook); injectable for tests. */
  readonly fetch: typeof fetch;
}
