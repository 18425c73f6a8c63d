/**
 * The one error class of third-party providers (LLM, STT, TTS, search). `retryable` says whether
 * trying again (same or other model) may help: rate limits, 5xx, network failures and timeouts
 * are; bad requests, bad credentials and missing configuration are not.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    /** Which provider failed, e.g. `llm:gpt-4.1-nano`, `tts:standin`. */
    readonly provider: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.status = options?.status;
  }
  /** HTTP status, when the provider answered with one. */
  readonly status: number | undefined;
}

/** True for HTTP statuses worth retrying: 408, 409 (lock), 429, and every 5xx. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Throws the signal's reason when it is aborted (so that callers branch on `signal.reason`). */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}
