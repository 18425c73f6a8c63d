/**
 * Outbound SMS: ACS SMS or Twilio as configured (`sms.provider`), else none (the message is only
 * recorded in the conversation by the caller of `send`).
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { SmsClient } from '@azure/communication-sms';
import twilio from 'twilio';
import type { Config } from '../contract/index.ts';
import { parseConnectionString } from '../carriers/acs/connection-string.ts';
import { loopbackClientOptions } from '../carriers/acs/loopback-policy.ts';

/** Outcome of one SMS. */
export type SmsResult =
  | { readonly sent: true; readonly provider: 'acs' | 'twilio'; readonly messageId?: string }
  | { readonly sent: false; readonly provider: 'none' | 'acs' | 'twilio'; readonly detail: string };

/** Sends SMS. */
export interface SmsSender {
  readonly provider: 'none' | 'acs' | 'twilio';
  send(to: string, text: string): Promise<SmsResult>;
}

/**
 * The configured sender.
 * @throws Error when `sms.provider` names a carrier that is not configured.
 */
export function createSmsSender(config: Config, twilioClientOptions?: Parameters<typeof twilio>[2]): SmsSender {
  const provider = config.sms.provider;
  if (provider === 'acs') {
    if (config.acs === undefined) throw new Error('sms.provider is acs but acs is not configured');
    const { endpoint, accessKey } = parseConnectionString(config.acs.connection_string);
    const client = new SmsClient(config.acs.endpoint ?? endpoint, new AzureKeyCredential(accessKey), loopbackClientOptions);
    const from = config.acs.phone_number;
    return {
      provider,
      send: async (to, text) => {
        try {
          const [result] = await client.send({ from, to: [to], message: text });
          if (result?.successful) return { sent: true, provider, ...(result.messageId === undefined ? {} : { messageId: result.messageId }) };
          return { sent: false, provider, detail: result?.errorMessage ?? `ACS SMS answered ${result?.httpStatusCode ?? 'nothing'}` };
        } catch (error) {
          return { sent: false, provider, detail: `ACS SMS failed: ${(error as Error).message}` };
        }
      },
    };
  }
  if (provider === 'twilio') {
    if (config.twilio === undefined) throw new Error('sms.provider is twilio but twilio is not configured');
    const client = twilio(config.twilio.account_sid, config.twilio.auth_token, { env: {}, ...twilioClientOptions });
    const from = config.twilio.phone_number;
    return {
      provider,
      send: async (to, text) => {
        try {
          const message = await client.messages.create({ to, from, body: text });
          return { sent: true, provider, messageId: message.sid };
        } catch (error) {
          return { sent: false, provider, detail: `Twilio SMS failed: ${(error as Error).message}` };
        }
      },
    };
  }
  return { provider: 'none', send: async () => ({ sent: false, provider: 'none', detail: 'no SMS provider configured (sms.provider); recorded in the conversation only' }) };
}
