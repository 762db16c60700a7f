import type { SyncSettings } from './settings';

/** A socket's token buckets: messages and bytes it may still send. */
export interface SocketBudget {
  messages: number;
  bytes: number;
  at: number;
}

/** A new socket's buckets, full. */
export const fullBudget = (settings: SyncSettings): SocketBudget => ({ messages: settings.messageBurst, bytes: settings.bytesPerSecond * 8, at: performance.now() });

/** Refills the buckets for the time passed, takes one message of `bytes`; false when either runs dry. */
export function spend(budget: SocketBudget, settings: SyncSettings, bytes: number): boolean {
  const { messagesPerSecond, messageBurst, bytesPerSecond } = settings;
  const now = performance.now();
  const seconds = (now - budget.at) / 1000;
  budget.at = now;
  budget.messages = Math.min(messageBurst, budget.messages + seconds * messagesPerSecond) - 1;
  budget.bytes = Math.min(bytesPerSecond * 8, budget.bytes + seconds * bytesPerSecond) - bytes;
  return budget.messages >= 0 && budget.bytes >= 0;
}
