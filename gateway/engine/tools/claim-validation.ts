/**
 * Validation of claim values by field type (SPEC §2): text, datetime (ISO 8601 or anything
 * `Date` parses, stored as ISO), email, and E.164 phone numbers (spaces, dots, dashes and a
 * `00` prefix are tolerated and normalized). Errors are sentences the model can act on.
 */
import { PhoneNumber, type ClaimField } from '../../../control/contract/index.ts';

export type Validated = { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly error: string };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;
/** Longest text value stored: a claim field is a note, not a transcript. */
const MAX_TEXT = 1000;

/**
 * Validates and normalizes one value for a field.
 * @example validateClaimValue({ name: 'phone', type: 'phone_number' }, '+33 6 12 34 56 78') // { ok: true, value: '+33612345678' }
 */
export function validateClaimValue(field: ClaimField, raw: string | null): Validated {
  if (raw === null || raw.trim() === '') return { ok: true, value: null };
  const value = raw.trim();
  switch (field.type) {
    case 'text':
      return value.length <= MAX_TEXT ? { ok: true, value } : { ok: false, error: `is longer than ${MAX_TEXT} characters` };
    case 'email': {
      const email = value.replace(/\s+/g, '').toLowerCase();
      return EMAIL.test(email) ? { ok: true, value: email } : { ok: false, error: `"${value}" is not a valid email address` };
    }
    case 'phone_number': {
      const phone = normalizePhone(value);
      return PhoneNumber.safeParse(phone).success
        ? { ok: true, value: phone }
        : { ok: false, error: `"${value}" is not an international phone number (E.164 with country code, like +33612345678)` };
    }
    case 'datetime': {
      const iso = normalizeDatetime(value);
      return iso !== undefined ? { ok: true, value: iso } : { ok: false, error: `"${value}" is not a date and time (use ISO 8601, like 2024-05-01T14:30:00+02:00)` };
    }
  }
}

/** `+33 6.12-34 (56) 78` → `+33612345678`; `0033…` → `+33…`. */
export function normalizePhone(value: string): string {
  const compact = value.replace(/[\s.\-()/]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

/** An ISO 8601 string for anything Date parses unambiguously (a bare number is refused). */
export function normalizeDatetime(value: string): string | undefined {
  if (/^\d+$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
