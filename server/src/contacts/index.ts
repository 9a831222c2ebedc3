import type { GroupChat } from '../../../miniprogram/typings/api';
import type { Logger } from '../logger';
import type { Store } from '../stores/store';
import type { WecomApi } from '../wecom/api';
import { apiPaths } from '../wecom/api-paths';
import { explainErrcode } from '../wecom/errcodes';
import { type Customers, createCustomers } from './customers';
import { createDetailCache, isAbsent, type Lookup } from './detail-cache';
import { createGroupChats, type GroupChats } from './group-chats';
import { fetchCustomer, fetchGroupChat } from './loaders';
import { createOutsideVisibleRange } from './outside-visible-range';
import type { OwnList } from './paging';
import { type Customer, customerSchema, groupChatSchema } from './schemas';

export { createLoginContexts, type LoginContexts } from './context';
export type { Customers } from './customers';
export type { GroupChats } from './group-chats';
export { createOutsideVisibleRange } from './outside-visible-range';
export type { OwnList } from './paging';

export interface ContactsDeps {
  wecom: WecomApi;
  store: Store;
  /** Lifetime of cached details (0 = no cache). */
  ttlSeconds: number;
  /** Deadline of one detail load, waiting for a call slot included (WECOM_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
  onLookup?: (cache: 'customer' | 'groupchat', hit: boolean) => void;
  /** WeCom refused to show one customer or group (answered to the employee as not found). */
  onHidden?: (resource: 'customer' | 'groupchat', errcode: number) => void;
  /** WeCom refused an employee their own list: they are outside the app's visible range. */
  onOutsideVisibleRange?: (list: OwnList, errcode: number) => void;
}

const OWN_LIST_APIS: Readonly<Record<OwnList, string>> = {
  customers: apiPaths.getContactsByUser,
  groupchats: apiPaths.listGroupChats,
};

/** Unknown or hidden ids are remembered this long (at most the detail TTL). */
const ABSENT_TTL_SECONDS = 30;
/** Detail loads per API at a time in this process (WeCom answers 45033 to more), and waiting. */
const PARALLELISM = 5;
const MAX_WAITING = 200;

/** Customers and groups, each with its shared detail cache. */
export function createContacts(deps: ContactsDeps): {
  customers: Customers;
  groupChats: GroupChats;
} {
  const { wecom, logger } = deps;
  const outside = createOutsideVisibleRange({ store: deps.store, logger });
  /** Admins learn whom to add where: a warning with the fix, the metric, and the doctor. */
  function onOutsideVisibleRange(userid: string, list: OwnList, errcode: number): void {
    const why = explainErrcode(errcode, {
      api: OWN_LIST_APIS[list],
      credential: 'contact',
      target: { kind: 'member', id: userid },
    });
    logger.warn(
      { userid, list, errcode, fix: why.fix.en },
      "an employee outside the app's visible range asked for their own list; answered contact.outside_visible_range",
    );
    deps.onOutsideVisibleRange?.(list, errcode);
    void outside.record(userid);
  }
  function cacheOf<T>(
    kind: 'customer' | 'groupchat',
    api: string,
    schema: Parameters<typeof createDetailCache<T>>[0]['schema'],
    fetch: (id: string, signal: AbortSignal) => Promise<Lookup<T>>,
  ) {
    return createDetailCache<T>({
      store: deps.store,
      kind,
      api,
      schema,
      ttlSeconds: deps.ttlSeconds,
      absentTtlSeconds: ABSENT_TTL_SECONDS,
      parallelism: PARALLELISM,
      maxWaiting: MAX_WAITING,
      timeoutMs: deps.timeoutMs,
      onLookup: (hit) => deps.onLookup?.(kind, hit),
      async load(id, signal) {
        const value = await fetch(id, signal);
        if (isAbsent(value) && value.absent === 'hidden') {
          logger.warn(
            { resource: kind, id, errcode: value.errcode, api },
            'WeCom refused to show one customer or group (outside the visible range?); answered as not found',
          );
          deps.onHidden?.(kind, value.errcode ?? 0);
        }
        return value;
      },
    });
  }
  return {
    customers: createCustomers({
      wecom,
      onOutsideVisibleRange,
      details: cacheOf<Customer>(
        'customer',
        apiPaths.getExternalContact,
        customerSchema,
        (id, signal) => fetchCustomer(wecom, id, signal),
      ),
    }),
    groupChats: createGroupChats({
      wecom,
      onOutsideVisibleRange,
      details: cacheOf<GroupChat>(
        'groupchat',
        apiPaths.getGroupChat,
        groupChatSchema,
        (id, signal) => fetchGroupChat(wecom, id, signal),
      ),
    }),
  };
}
