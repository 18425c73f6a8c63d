/**
 * uWebSockets.js, checked to be the native addon. The package silently falls back to a JS shim
 * (built on `ws`) when no binary matches the Node ABI; that shim lacks the native-only exports
 * and would quietly cost several times the CPU, so the gateway refuses to start on it.
 */
import uWS from 'uWebSockets.js';

/** The native uWS module, or an error explaining why it is not available. */
export function nativeUws(): typeof uWS {
  const api = uWS as unknown as Record<string, unknown>;
  const native = typeof api.getParts === 'function' && typeof api.SSLApp === 'function' && typeof api.us_socket_local_port === 'function';
  if (!native) {
    throw new Error(
      `uWebSockets.js native addon did not load (JS fallback in use) on Node ${process.versions.node} ` +
        `(ABI ${process.versions.modules}, ${process.platform}-${process.arch}); the gateway needs the native build: use Node 20 on linux-x64 with glibc ≥ 2.36, and unset UWS_USE_FALLBACK`,
    );
  }
  return uWS;
}
