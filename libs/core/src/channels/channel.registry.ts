import { Injectable } from '@nestjs/common';
import type { DeliveryOutcomes } from '../outbox/delivery-outcomes';
import type { ChannelAdapter, ChannelKind, ChannelReceipt } from './channel-adapter';

/**
 * Who handles what: each channel lib registers its adapter, and the owner of outbound messages
 * (tickets) registers where delivery outcomes go. Registered at start-up by the libs themselves,
 * so core depends on none of them.
 */
@Injectable()
export class ChannelRegistry {
  private readonly adapters = new Map<ChannelKind, ChannelAdapter<unknown, ChannelReceipt>>();
  private owner: DeliveryOutcomes | null = null;

  register<C, R extends ChannelReceipt>(adapter: ChannelAdapter<C, R>): void {
    this.adapters.set(adapter.kind, adapter as unknown as ChannelAdapter<unknown, ChannelReceipt>);
  }

  adapter(kind: string): ChannelAdapter<unknown, ChannelReceipt> {
    const a = this.adapters.get(kind as ChannelKind);
    if (!a) throw new Error(`No adapter for the ${kind} channel is registered`);
    return a;
  }

  kinds(): ChannelKind[] {
    return [...this.adapters.keys()];
  }

  useOutcomes(owner: DeliveryOutcomes): void {
    this.owner = owner;
  }

  get outcomes(): DeliveryOutcomes {
    if (!this.owner) throw new Error('Nobody receives delivery outcomes: the tickets module registers them');
    return this.owner;
  }
}
