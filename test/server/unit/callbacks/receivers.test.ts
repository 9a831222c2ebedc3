import {
  createCallbackCrypto,
  createCallbackReceivers,
  createEventsLog,
  createTaskQueue,
} from '../../../../server/src/callbacks';
import type { DirectoryChange } from '../../../../server/src/callbacks/directory-handoff';
import { createMemoryStore } from '../../../../server/src/stores/memory-store';
import { silentLogger } from '../../../helpers/stores';

// The directory hand-off: what the org store's handler receives, once, after the event is logged.

const keys = { token: 'UnitToken', encodingAesKey: 'UnitTestEncodingAesKey0123456789abcdefghijk' };
const CORP = 'wwUnitTestCorp';

function setup(onDirectoryChange?: (change: DirectoryChange) => Promise<void>) {
  const store = createMemoryStore();
  const eventsLog = createEventsLog(store, { retentionDays: 30 });
  const ended: string[] = [];
  const receivers = createCallbackReceivers({
    keys: { directory: keys },
    corpId: CORP,
    store,
    eventsLog,
    effects: {
      forgetCustomer: async () => {},
      forgetGroupChat: async () => {},
      endSessions: async (userid) => {
        ended.push(userid);
        return 1;
      },
    },
    onDirectoryChange,
    queue: createTaskQueue({ capacity: 10, concurrency: 1, onError: () => {} }),
    logger: silentLogger(),
  });
  const crypto = createCallbackCrypto({ keys, receiveId: CORP });
  const deliver = (xml: string) => {
    const sealed = crypto.seal(xml);
    return receivers.deliver(
      'directory',
      { msg_signature: sealed.msgSignature, timestamp: sealed.timestamp, nonce: sealed.nonce },
      async () => `<xml><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt></xml>`,
    );
  };
  return { deliver, eventsLog, ended, store };
}

const UPDATE_USER =
  '<xml><ToUserName><![CDATA[wwUnitTestCorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType><UserID><![CDATA[lisi]]></UserID><NewUserID><![CDATA[lisi2]]></NewUserID><Department><![CDATA[2,3]]></Department><Position><![CDATA[销售]]></Position></xml>';

describe('directory hand-off', () => {
  it('hands each change to the handler once, with its events-log seq and split fields', async () => {
    const changes: DirectoryChange[] = [];
    const { deliver, eventsLog, ended } = setup(async (change) => {
      changes.push(change);
    });
    await deliver(UPDATE_USER);
    await deliver(UPDATE_USER); // a retry: applied once
    await new Promise((resolve) => setImmediate(resolve));
    const { entries } = await eventsLog.read({ range: { after: '0' }, limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ effect: 'sessions_ended+handed_off' });
    expect(ended).toEqual(['lisi']);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      changeType: 'update_user',
      userId: 'lisi',
      newUserId: 'lisi2',
      departmentIds: ['2', '3'],
      createTime: 1700000000,
      seq: entries[0]!.seq,
      fields: { Position: '销售', ChangeType: 'update_user' },
    });
  });

  it('records the change alone when no handler is registered', async () => {
    const { deliver, eventsLog } = setup();
    await deliver(UPDATE_USER.replace('update_user', 'create_user'));
    expect((await eventsLog.read({ range: { after: '0' }, limit: 10 })).entries[0]).toMatchObject({
      effect: 'recorded',
    });
  });

  it('releases the claim when an effect fails, so that the retry applies the event', async () => {
    const { deliver, eventsLog, store } = setup();
    const failing = { ...store, streamAppend: async () => Promise.reject(new Error('down')) };
    const broken = createCallbackReceivers({
      keys: { directory: keys },
      corpId: CORP,
      store,
      eventsLog: createEventsLog(failing, { retentionDays: 30 }),
      effects: {
        forgetCustomer: async () => {},
        forgetGroupChat: async () => {},
        endSessions: async () => 0,
      },
      queue: createTaskQueue({ capacity: 10, concurrency: 1, onError: () => {} }),
      logger: silentLogger(),
    });
    const sealed = createCallbackCrypto({ keys, receiveId: CORP }).seal(UPDATE_USER);
    const query = {
      msg_signature: sealed.msgSignature,
      timestamp: sealed.timestamp,
      nonce: sealed.nonce,
    };
    const body = async () => `<xml><Encrypt>${sealed.encrypt}</Encrypt></xml>`;
    await expect(broken.deliver('directory', query, body)).rejects.toThrow('down');
    await deliver(UPDATE_USER);
    expect((await eventsLog.read({ range: { after: '0' }, limit: 10 })).entries).toHaveLength(1);
  });
});
