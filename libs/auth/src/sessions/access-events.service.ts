import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Tells this instance's open live-event streams that someone's access may have changed (rights,
 * active flag, password, sessions, tokens), after the change committed. `null` means anyone's
 * (a group changed). Other instances notice within a recheck interval (AuthService.watch).
 */
@Injectable()
export class AccessEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  changed(userIds: number[] | null): void {
    this.emitter.emit('changed', userIds);
  }

  subscribe(listener: (userIds: number[] | null) => void): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }
}
