import { SmsProvider, SmsSendRequest, SmsSendResult } from './sms-provider';

/**
 * Local capture (the embedded default, and wherever no provider is configured outside
 * production): nothing leaves the server; the message row is marked captured and the console
 * shows it as sent, so a newcomer can try everything.
 */
export class LocalCaptureProvider implements SmsProvider {
  readonly kind = 'local' as const;

  async verify(): Promise<void> {}

  async send(req: SmsSendRequest): Promise<SmsSendResult> {
    return { providerMessageId: `local-${req.idempotencyKey}`, status: 'captured' };
  }

  /** Nothing was sent anywhere: capturing again is harmless. */
  async find(): Promise<null> {
    return null;
  }
}
