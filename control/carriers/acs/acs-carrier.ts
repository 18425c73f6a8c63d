/**
 * Azure Communication Services Call Automation, through the real SDK: outbound `createCall`,
 * inbound `answerCall`, both with bidirectional media streaming to the gateway; transfer,
 * hang-up, play, the language menu (recognize), recording and deferred media streaming.
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { CallAutomationClient, type CallConnection, type MediaStreamingOptions } from '@azure/communication-call-automation';
import type { Logger } from 'pino';
import type { Cache } from '../../cache/types.ts';
import type { ActionResult, Call, Config } from '../../contract/index.ts';
import type { MediaUrls } from '../../calls/media-url.ts';
import { CarrierError, type CarrierPort } from '../types.ts';
import { CallbackSecrets } from './callback-secret.ts';
import { parseConnectionString } from './connection-string.ts';
import { IVR_OPERATION, ivrChoices, ivrPrompt, needsIvr } from './ivr.ts';
import { loopbackClientOptions } from './loopback-policy.ts';
import { PendingOperations } from './pending-operations.ts';

type AcsConfig = NonNullable<Config['acs']>;

/**
 * A transfer rings the agent: PSTN gives up after about 30 s of ringing, so the outcome
 * (CallTransferAccepted / CallTransferFailed) is awaited that long before reporting a failure.
 */
const TRANSFER_WAIT_MS = 35_000;
/** The language menu waits 10 s for a key or a word before falling back to the default language. */
const IVR_SILENCE_SEC = 10;

/** What the ACS carrier needs. */
export interface AcsControlDeps {
  readonly config: Config;
  readonly cache: Cache;
  readonly media: MediaUrls;
  readonly logger: Logger;
}

/** ACS call control for one process. */
export class AcsControl implements CarrierPort {
  readonly kind = 'acs' as const;
  readonly client: CallAutomationClient;
  readonly secrets: CallbackSecrets;
  readonly #d: AcsControlDeps;
  readonly #acs: AcsConfig;
  readonly #pending = new PendingOperations();
  #closed = false;

  constructor(deps: AcsControlDeps) {
    if (deps.config.acs === undefined) throw new Error('acs is not configured');
    this.#d = deps;
    this.#acs = deps.config.acs;
    const { endpoint, accessKey } = parseConnectionString(this.#acs.connection_string);
    this.client = new CallAutomationClient(this.#acs.endpoint ?? endpoint, new AzureKeyCredential(accessKey), loopbackClientOptions);
    this.secrets = new CallbackSecrets(deps.cache);
  }

  /** The callback URL of a call's leg, with a fresh per-call secret. */
  async callbackUrl(callId: string): Promise<string> {
    const secret = await this.secrets.issue(callId);
    const base = this.#d.config.control.public_url.replace(/\/+$/, '');
    return `${base}/webhooks/acs/${encodeURIComponent(callId)}?secret=${encodeURIComponent(secret)}`;
  }

  /** Media streaming to the gateway; deferred while the language menu runs. */
  mediaStreaming(call: Call): MediaStreamingOptions {
    return {
      transportUrl: this.#d.media.url(call.call_id, 'acs'),
      transportType: 'websocket',
      contentType: 'audio',
      audioChannelType: 'mixed',
      startMediaStreaming: !needsIvr(call.initiate.lang),
      enableBidirectional: true,
      audioFormat: this.#d.config.media.acs_audio_format,
    };
  }

  async dial(call: Call): Promise<{ connectionId?: string }> {
    try {
      const result = await this.client.createCall(
        { targetParticipant: { phoneNumber: call.initiate.phone_number }, sourceCallIdNumber: { phoneNumber: this.#acs.phone_number } },
        await this.callbackUrl(call.call_id),
        { operationContext: call.call_id, mediaStreamingOptions: this.mediaStreaming(call) },
      );
      const connectionId = result.callConnectionProperties.callConnectionId;
      return connectionId ? { connectionId } : {};
    } catch (error) {
      throw carrierError('createCall', error);
    }
  }

  /** Answers an incoming call (Event Grid `IncomingCall`). */
  async answer(call: Call, incomingCallContext: string): Promise<string | undefined> {
    try {
      const result = await this.client.answerCall(incomingCallContext, await this.callbackUrl(call.call_id), {
        operationContext: call.call_id,
        mediaStreamingOptions: this.mediaStreaming(call),
      });
      return result.callConnectionProperties.callConnectionId;
    } catch (error) {
      throw carrierError('answerCall', error);
    }
  }

  async transfer(call: Call, target: string, operationId: string): Promise<ActionResult> {
    const connection = this.#connection(call);
    if (connection === undefined) return { ok: false, detail: 'the call is not connected' };
    const outcome = this.#pending.wait(operationId, TRANSFER_WAIT_MS, { ok: false, detail: `no transfer outcome from ACS within ${TRANSFER_WAIT_MS / 1000} s` });
    try {
      await connection.transferCallToParticipant({ phoneNumber: target }, { operationContext: operationId, sourceCallIdNumber: { phoneNumber: this.#acs.phone_number } });
    } catch (error) {
      this.#pending.settle(operationId, { ok: false, detail: carrierError('transfer', error).message });
    }
    return outcome;
  }

  /** Delivers a transfer outcome from a callback. */
  settleTransfer(operationContext: string, result: ActionResult): void {
    this.#pending.settle(operationContext, result);
  }

  async hangup(call: Call): Promise<ActionResult> {
    const connection = this.#connection(call);
    if (connection === undefined) return { ok: false, detail: 'the call is not connected' };
    try {
      await connection.hangUp(true);
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: carrierError('hangUp', error).message };
    }
  }

  async play(call: Call, text: string, langShortCode: string | undefined, operationId: string): Promise<ActionResult> {
    const connection = this.#connection(call);
    if (connection === undefined) return { ok: false, detail: 'the call is not connected' };
    const lang = call.initiate.lang?.availables.find((l) => l.short_code === langShortCode) ?? call.initiate.lang?.availables[0];
    try {
      await connection.getCallMedia().playToAll(
        [{ kind: 'textSource', text, ...(lang ? { voiceName: lang.voice, sourceLocale: lang.short_code } : {}), ...(lang?.custom_voice_endpoint_id ? { customVoiceEndpointId: lang.custom_voice_endpoint_id } : {}) }],
        { operationContext: operationId },
      );
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: carrierError('play', error).message };
    }
  }

  /** On CallConnected: start recording (if enabled) and the language menu (if several languages). */
  async onConnected(call: Call, serverCallId: string | undefined): Promise<void> {
    const connection = this.#connection(call);
    if (connection === undefined) return;
    if (this.#d.config.media.recording_enabled) await this.#startRecording(call, serverCallId);
    if (needsIvr(call.initiate.lang)) await this.#startIvr(call, connection);
  }

  /** Starts the deferred media stream (after the language menu). */
  async startMediaStreaming(call: Call): Promise<void> {
    const connection = this.#connection(call);
    if (connection === undefined) return;
    try {
      await connection.getCallMedia().startMediaStreaming({ operationContext: 'media:start' });
    } catch (error) {
      this.#d.logger.error({ err: error, call_id: call.call_id }, 'could not start media streaming');
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending.close();
  }

  async #startIvr(call: Call, connection: CallConnection): Promise<void> {
    const lang = call.initiate.lang;
    if (lang === undefined) return;
    const voice = lang.availables.find((l) => l.short_code === lang.default_short_code) ?? lang.availables[0];
    try {
      await connection.getCallMedia().startRecognizing(
        { phoneNumber: call.initiate.phone_number },
        {
          kind: 'callMediaRecognizeChoiceOptions',
          choices: ivrChoices(lang),
          playPrompt: { kind: 'textSource', text: ivrPrompt(lang, this.#d.config.conversation.phrases.ivr_language), ...(voice ? { voiceName: voice.voice, sourceLocale: voice.short_code } : {}) },
          interruptPrompt: true,
          initialSilenceTimeoutInSeconds: IVR_SILENCE_SEC,
          speechLanguage: lang.default_short_code,
          operationContext: IVR_OPERATION,
        },
      );
    } catch (error) {
      // Without the menu the call goes on in the default language.
      this.#d.logger.error({ err: error, call_id: call.call_id }, 'language menu failed; using the default language');
      await this.startMediaStreaming(call);
    }
  }

  async #startRecording(call: Call, serverCallId: string | undefined): Promise<void> {
    try {
      await this.client.getCallRecording().start({
        ...(serverCallId ? { callLocator: { id: serverCallId, kind: 'serverCallLocator' } } : { callConnectionId: call.connection_id ?? '' }),
        recordingContent: 'audio',
        recordingChannel: 'mixed',
        recordingFormat: 'wav',
      });
    } catch (error) {
      this.#d.logger.error({ err: error, call_id: call.call_id }, 'could not start recording');
    }
  }

  #connection(call: Call): CallConnection | undefined {
    return call.connection_id === undefined || call.connection_id === '' ? undefined : this.client.getCallConnection(call.connection_id);
  }
}

/** A CarrierError naming the operation and what ACS said; 5xx and 429 are retryable. */
function carrierError(operation: string, error: unknown): CarrierError {
  const status = (error as { statusCode?: number }).statusCode;
  const message = (error as { message?: string }).message ?? String(error);
  return new CarrierError(`ACS ${operation} failed${status ? ` (${status})` : ''}: ${message.slice(0, 300)}`, status === undefined || status >= 500 || status === 429, { cause: error });
}
