import type { Logger } from '../logger';
import type { Store } from '../stores/store';

/**
 * Employees whom WeCom refused their own customer or group list because they are outside the
 * app's visible range, remembered for the doctor (which asks WeCom again about each and tells the
 * admin whom to add). One set in the store, shared by every instance; it lives a week after the
 * last refusal and holds at most the corp's employees.
 */
export interface OutsideVisibleRange {
  /** Remembers the employee; never throws (the refusal is answered whatever the store does). */
  record(userid: string): Promise<void>;
  /** Up to `limit` remembered employees. */
  recent(limit: number): Promise<string[]>;
  /** The employee is visible again (or gone). */
  forget(userid: string): Promise<void>;
}

const KEY = 'contacts:outside-visible-range';
const TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function createOutsideVisibleRange(deps: {
  store: Store;
  logger: Logger;
}): OutsideVisibleRange {
  const { store, logger } = deps;
  return {
    async record(userid) {
      try {
        await store.addToSet(KEY, userid, TTL_MS);
      } catch (error) {
        logger.warn(
          { err: error, userid },
          'could not remember an employee outside the visible range',
        );
      }
    },
    recent: async (limit) => (await store.setMembers(KEY)).sort().slice(0, limit),
    forget: (userid) => store.removeFromSet(KEY, userid),
  };
}
