/** `control`, `gateway`, `secrets` and `media` sections: where the two processes listen and how they trust each other. */
import { z } from 'zod';
import { zBool, zHttpUrl, zInt, zIntIn, zList, zWsUrl } from '../coerce.ts';

export const ControlSection = z
  .strictObject({
    port: zInt(0, 65535, 8080),
    /** Bind address; with no API key configured the server binds to loopback whatever this says. */
    host: z.string().default('0.0.0.0'),
    /** Public base URL of control (carrier callbacks, report links). */
    public_url: zHttpUrl().default('http://localhost:8080'),
    /** API keys accepted in `X-API-Key` or `Authorization: Bearer`. Empty: loopback only. */
    api_keys: zList(),
  })
  .prefault({});

export const GatewaySection = z
  .strictObject({
    port: zInt(0, 65535, 8081),
    host: z.string().default('0.0.0.0'),
    /** Public base URL the carrier connects to for media. */
    public_url: zWsUrl().default('ws://localhost:8081'),
    /** Where the gateway reaches control's internal API. */
    control_url: zHttpUrl().default('http://127.0.0.1:8080'),
    /**
     * DSP worker threads (VAD, AEC); 0 runs DSP on the main thread; `auto` is one per core but one
     * (at least one), leaving the main thread (sockets, codecs, engine requests) a core of its own.
     * On 2 cores shared with the bench's callers, one worker held 100 calls at 91 % of a core, two
     * held 100 at 103 % and lost more frames at 120 (bench `capacity`).
     */
    dsp_workers: z.union([z.literal('auto'), zIntIn(0, 64)]).default('auto'),
    /** Calls refused beyond this (503 at upgrade); protects calls already up. */
    max_calls: zInt(1, 100_000, 500),
    /** On SIGTERM, how long running calls may continue before they are closed. */
    drain_timeout_sec: zInt(0, 3600, 30),
  })
  .prefault({});

export const SecretsSection = z
  .strictObject({
    /** HMAC key of the per-call media tokens (≥ 32 chars). Both processes need the same. */
    media_token_key: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Bearer token the gateway presents to control's internal API (≥ 32 chars). */
    service_token: z.string().min(32, 'must be at least 32 characters').optional(),
  })
  .prefault({});

export const MediaSection = z
  .strictObject({
    /** PCM format ACS streams to the gateway. */
    acs_audio_format: z.enum(['Pcm16KMono', 'Pcm24KMono']).default('Pcm16KMono'),
    /** Lifetime of a media token: long enough for the carrier to connect, short enough to be useless later. */
    token_ttl_sec: zInt(10, 3600, 300),
    /** Record calls (ACS recording). */
    recording_enabled: zBool(false),
  })
  .prefault({});
