export {
  type CallbackKeys,
  createCallbackCrypto,
  isValidEncodingAesKey,
  type SignedQuery,
} from './crypto';
export type { DirectoryChangeHandler } from './directory-handoff';
export { CallbackError, type CallbackFailure } from './errors';
export { createEventsLog, type EventEntry, type ReceiverName } from './events';
export { createTaskQueue } from './queue';
export { type CallbackReceivers, createCallbackReceivers } from './receivers';
