export {
  AES_KEY_PATTERN,
  type CallbackCrypto,
  type CallbackKeys,
  createCallbackCrypto,
  isValidEncodingAesKey,
  type SignedQuery,
  TIMESTAMP_WINDOW_SECONDS,
  TOKEN_PATTERN,
} from './crypto';
export type { DirectoryChange, DirectoryChangeHandler } from './directory-handoff';
export { CallbackError, type CallbackFailure } from './errors';
export {
  createEventsLog,
  type Effect,
  type EventEntry,
  isReceiverName,
  RECEIVERS,
  type ReceiverName,
  readEvents,
} from './events';
export { createTaskQueue, type TaskQueue } from './queue';
export {
  type CallbackEffects,
  type CallbackReceivers,
  createCallbackReceivers,
  DEDUPE_TTL_MS,
} from './receivers';
