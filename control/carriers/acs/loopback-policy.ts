/**
 * The Azure SDK pipeline refuses plain `http://` endpoints. A local Call Automation or SMS
 * stand-in listens on loopback without TLS, so requests to a loopback host (and only those) are
 * allowed over http; every other endpoint still requires https.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `url` is http on a loopback host. */
export function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
  } catch {
    return false;
  }
}

/** Pipeline policy allowing http to loopback hosts. */
export const loopbackHttpPolicy: PipelinePolicy = {
  name: 'allowLoopbackHttp',
  sendRequest: (request, next) => {
    if (isLoopbackHttp(request.url)) request.allowInsecureConnection = true;
    return next(request);
  },
};

/** Client options adding {@link loopbackHttpPolicy}. */
export const loopbackClientOptions = { additionalPolicies: [{ policy: loopbackHttpPolicy, position: 'perCall' as const }] };
