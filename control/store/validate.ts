/** Write-side validation shared by the stores: nothing malformed reaches storage. */
import { Call } from '../contract/index.ts';

/** A call given to the store does not match the Call schema; `details` lists every problem. */
export class InvalidCallError extends Error {
  constructor(readonly details: string[]) {
    super(`invalid call: ${details.join('; ')}`);
    this.name = 'InvalidCallError';
  }
}

/** Returns the call parsed by the contract schema. @throws InvalidCallError */
export function validateCall(call: unknown): Call {
  const parsed = Call.safeParse(call);
  if (parsed.success) return parsed.data;
  throw new InvalidCallError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
}
