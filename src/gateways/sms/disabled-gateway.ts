/** The gateway when no SMS centre is configured: sends are refused up front, saying what to set. */
import type { SmsGateway, SmsSubmitResult } from '../types.js';

export class DisabledSmsGateway implements SmsGateway {
  readonly name = 'disabled';
  readonly enabled = false;
  constructor(readonly reason: string) {}
  async start(): Promise<void> {}
  async submit(): Promise<SmsSubmitResult> {
    return { status: 'defer', messageIds: [], error: this.reason };
  }
  state() {
    return { up: false, detail: this.reason };
  }
  async stop(): Promise<void> {}
}
