/**
 * Zod helpers for configuration values that may arrive as strings from environment variables.
 * `false`, `0`, `no` and `off` really are false here (the Python original could not turn a
 * flag off from the environment).
 */
import { z } from 'zod';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A boolean; also accepts `true/false/1/0/yes/no/on/off` strings. */
export const zBool = (fallback: boolean) =>
  z
    .preprocess((v) => {
      if (typeof v !== 'string') return v;
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      return v;
    }, z.boolean())
    .default(fallback);

/** A finite number; also accepts numeric strings (`"0"` is zero, not unset). */
export const zNum = () =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), z.number());

/** An integer within bounds (numeric strings accepted), no default: for unions such as `auto | n`. */
export const zIntIn = (min: number, max: number) => zNum().pipe(z.number().int().min(min).max(max));

/** An integer within bounds with a default. */
export const zInt = (min: number, max: number, fallback: number) => zIntIn(min, max).default(fallback);

/** A list of strings; also accepts a comma-separated string. */
export const zList = () =>
  z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
          : v,
      z.array(z.string().min(1)),
    )
    .default([]);

/** An http(s) URL. */
export const zHttpUrl = () => z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL');

/** A ws(s) URL. */
export const zWsUrl = () => z.string().url().regex(/^wss?:\/\//, 'must be a ws(s) URL');
