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
  /** Settles when Redis confirmed SUBSCRIBE. */
  ready: Promise<void>;
  /** Since when the channel has had no listener (it is unsubscribed at the next sweep). */
  idleSince?: number;
}

/** Channels left without listeners are unsubscribed in one command this often. */
const UNSUBSCRIBE_EVERY_MS = 500;

/**
 * The live side of run events on a server: ONE subscriber connection per process, subscribed only to
 * the runs this process is relaying, so a replica never reads other replicas' runs. Callers subscribe
 * before they enqueue (or backfill from the stream after), so nothing published is missed.
 * Subscriptions made in the same event-loop turn share one SUBSCRIBE, and channels are unsubscribed
 * in batches: under load a run costs well under one subscription command.
 */
export class RunEventHub {
  private readonly channels = new Map<string, Channel>();
  private readonly log: Logger;
  private connectedOnce = false;
  private pending: { names: string[]; promise: Promise<void> } | undefined;
  private readonly sweeper: NodeJS.Timeout;

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
    this.sweeper = setInterval(() => this.unsubscribeIdle(), UNSUBSCRIBE_EVERY_MS);
    this.sweeper.unref();
  }

  /** Subscribes a listener to a run; resolves once Redis confirmed the subscription. */
  async listen(runId: string, listener: HubListener): Promise<() => Promise<void>> {
    const name = this.keys.channel(runId);
    let channel = this.channels.get(name);
    if (!channel) {
      channel = { listeners: new Set(), ready: this.subscribe(name) };
      this.channels.set(name, channel);
    }
    channel.idleSince = undefined;
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
      if (channel!.listeners.size === 0) channel!.idleSince = Date.now();
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private subscribe(name: string): Promise<void> {
    if (!this.pending) {
      const names: string[] = [];
      const promise = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.pending = undefined;
          this.subscriber.subscribe(...names).then(() => resolve(), reject);
        });
      });
      promise.catch(() => undefined);
      this.pending = { names, promise };
    }
    this.pending.names.push(name);
    return this.pending.promise;
  }

  private unsubscribeIdle(): void {
    const idle: string[] = [];
    for (const [name, channel] of this.channels) {
      if (channel.idleSince !== undefined && channel.listeners.size === 0) {
        this.channels.delete(name);
        idle.push(name);
      }
    }
    if (idle.length === 0) return;
    // Not awaited: while Redis is down the command waits for the reconnect, and no reader should.
    this.subscriber.unsubscribe(...idle).catch((error: unknown) => {
      this.log.debug({ channels: idle.length, reason: (error as Error).message }, 'unsubscribe failed');
    });
  }

  private dispatch(channelName: string, message: string): void {
    const channel = this.channels.get(channelName);
    if (!channel || channel.listeners.size === 0) return;
    const events = decodeBatch(message);
    for (const listener of channel.listeners) listener.onEvents(events);
  }
}
