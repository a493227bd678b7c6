import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.js';
import type { StoredEvent } from '../run-events.js';
import { decodeBatch } from './event-batch.js';
import type { RunStreamKeys } from './run-stream-keys.js';

export interface HubListener {
  onEvents(events: StoredEvent[]): void;
  /** The subscription was interrupted (Redis reconnected): messages may have been lost. */
  onGap(): void;
}

interface Channel {
  listeners: Set<HubListener>;
  /** Settles when Redis confirmed SUBSCRIBE (or UNSUBSCRIBE, for a channel being dropped). */
  ready: Promise<void>;
}

/**
 * The live side of run events on a server: ONE subscriber connection per process, subscribed only to
 * the runs this process is relaying, so a replica never reads other replicas' runs. Callers subscribe
 * before they enqueue (or backfill from the stream after), so nothing published is missed.
 */
export class RunEventHub {
  private readonly channels = new Map<string, Channel>();
  private readonly log: Logger;
  private connectedOnce = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: RunStreamKeys,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'run-event-hub' });
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
    subscriber.on('ready', () => {
      // ioredis resubscribes by itself after a reconnect; tell readers to fill what they missed meanwhile.
      if (this.connectedOnce) for (const channel of this.channels.values()) for (const l of channel.listeners) l.onGap();
      this.connectedOnce = true;
    });
  }

  /** Subscribes a listener to a run; resolves once Redis confirmed the subscription. */
  async listen(runId: string, listener: HubListener): Promise<() => Promise<void>> {
    const name = this.keys.channel(runId);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { listeners: new Set(), ready: this.subscriber.subscribe(name).then(() => undefined) };
      this.channels.set(name, channel);
    }
    channel.listeners.add(listener);
    try {
      await channel.ready;
    } catch (error) {
      channel.listeners.delete(listener);
      if (channel.listeners.size === 0 && this.channels.get(name) === channel) this.channels.delete(name);
      throw error;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      channel!.listeners.delete(listener);
      if (channel!.listeners.size > 0 || this.channels.get(name) !== channel) return;
      this.channels.delete(name);
      // Not awaited: while Redis is down the command waits for the reconnect, and no reader should.
      this.subscriber.unsubscribe(name).catch((error: unknown) => {
        this.log.debug({ runId, reason: (error as Error).message }, 'unsubscribe failed');
      });
    };
  }

  /** Channels currently subscribed (a small number: the runs this process relays right now). */
  get size(): number {
    return this.channels.size;
  }

  private dispatch(channelName: string, message: string): void {
    const channel = this.channels.get(channelName);
    if (!channel) return;
    const events = decodeBatch(message);
    for (const listener of channel.listeners) listener.onEvents(events);
  }
}
