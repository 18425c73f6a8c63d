/**
 * uWebSockets.js, checked to be the native addon. The package silently falls back to a JS shim
 * (built on `ws`) when no binary matches the Node ABI; that shim lacks the native-only exports
 * and would quietly cost several times the CPU, so the gateway refuses to start on it.
 */
import uWS from 'uWebSockets.js';

/** True if `api` is the native addon (the JS shim has no `getParts`, `SSLApp` or `us_socket_local_port`). */
export function isNativeUws(api: unknown): boolean {
  const m = api as Record<string, unknown> | null;
  return m !== null && typeof m === 'object' && typeof m.getParts === 'function' && typeof m.SSLApp === 'function' && typeof m.us_socket_local_port === 'function';
}

/** The native uWS module, or an error explaining why it is not available. */
export function nativeUws(): typeof uWS {
  if (!isNativeUws(uWS)) {
    throw new Error(
      `uWebSockets.js native addon did not load (JS fallback in use) on Node ${process.versions.node} ` +
        `(ABI ${process.versions.modules}, ${process.platform}-${process.arch}); the gateway needs the native build: use Node 20 on linux-x64 with glibc ≥ 2.36, and unset UWS_USE_FALLBACK`,
    );
  }
  return uWS;
}
