import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from '@wecom/crypto';
import {
  type CorpSimulator,
  customerId,
  DEMO_FACTS,
  GROUP_APP_SECRET,
  GROUP_CORP_ID,
  GROUP_DIRECTORY_SYNC_SECRET,
  GROUP_OTHER_APP_SECRET,
  groupCorp,
  groupCustomerId,
  groupGroupChatId,
  OTHER_CORP_ID,
  OTHER_CORP_SECRET,
  SHARED_USERID,
  type Simulator,
} from '../../../server/src/sandbox/index';
import { DIRECTORY_CALLBACK } from '../../helpers/callbacks';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';
import { pickLink, WebClient } from '../../helpers/web-client';

// One simulated WeCom playing two corps of a group that share the mini-program: the demo corp (A)
// and its sister company groupCorp() (B), behind one host, one token store and one code store.
jest.setTimeout(30_000);

let sim: Simulator;
let b: CorpSimulator;
let tokenA: string;
let tokenB: string;

beforeAll(async () => {
  sim = await startTestSimulator({ moreCorps: [groupCorp()], callbackRetryDelayMs: 10 });
  b = sim.corp(GROUP_CORP_ID);
  tokenA = await tokenFor(sim);
  tokenB = await tokenFor(sim, GROUP_APP_SECRET, GROUP_CORP_ID);
});

const gettoken = (corpid: string, corpsecret: string) =>
  callWecom(sim, 'gettoken', { corpid, corpsecret });
const exchange = (code: string, accessToken: string) =>
  callWecom(sim, 'miniprogram/jscode2session', {
    access_token: accessToken,
    js_code: code,
    grant_type: 'authorization_code',
  });

describe('simulator: several corps', () => {
  it('hands out a handle per corp: the first is the simulator itself, an unknown one throws', () => {
    expect(b.corpId).toBe(GROUP_CORP_ID);
    expect(b.seed.corpName).toBe('宁波甬江科技有限公司');
    expect(sim.corp(sim.corpId).corpId).toBe(sim.corpId);
    expect(sim.corp(sim.corpId).seed).toBe(sim.seed);
    expect(() => sim.corp(OTHER_CORP_ID)).toThrow(/does not play/);
    expect(() => sim.corp('ww0000000000000000')).toThrow(/does not play/);
    expect(GROUP_CORP_ID).toMatch(/^ww[0-9a-f]{16}$/);
    expect([sim.corpId, OTHER_CORP_ID]).not.toContain(GROUP_CORP_ID);
  });

  it("configures a gateway for B with B's corp, secrets and agent, on the same host", () => {
    expect(b.wecomConfig({ timeoutMs: 1234 })).toEqual({
      corpId: GROUP_CORP_ID,
      apiBase: sim.url,
      oauthBase: sim.url,
      loginBase: sim.url,
      timeoutMs: 1234,
      appAgentId: b.seed.miniprogramApp.agentid,
      miniprogramAppId: sim.seed.miniprogramAppId,
      secrets: { app: GROUP_APP_SECRET, contact: GROUP_APP_SECRET, directory: GROUP_APP_SECRET },
    });
    expect(b.seed.miniprogramApp.agentid).not.toBe(sim.seed.miniprogramApp.agentid);
  });

  it("answers gettoken per corp; a secret of the sister corp is another corp's (40091)", async () => {
    expect((await gettoken(GROUP_CORP_ID, GROUP_APP_SECRET)).errcode).toBe(0);
    expect((await gettoken(GROUP_CORP_ID, GROUP_OTHER_APP_SECRET)).errcode).toBe(0);
    expect((await gettoken(GROUP_CORP_ID, GROUP_DIRECTORY_SYNC_SECRET)).errcode).toBe(0);
    expect((await gettoken(GROUP_CORP_ID, sim.seed.miniprogramApp.secret)).errcode).toBe(40091);
    expect((await gettoken(sim.corpId, GROUP_APP_SECRET)).errcode).toBe(40091);
    expect((await gettoken(GROUP_CORP_ID, 'NotAnySecret')).errcode).toBe(40001);
    expect((await gettoken('ww0000000000000000', GROUP_APP_SECRET)).errcode).toBe(40013);
    // The foreign corp the deployment does not serve stays as it was.
    expect((await gettoken(OTHER_CORP_ID, OTHER_CORP_SECRET)).errcode).toBe(0);
    expect((await gettoken(OTHER_CORP_ID, GROUP_APP_SECRET)).errcode).toBe(40091);
  });

  it("reads B's customers with B's token, and neither corp's token reads the other's", async () => {
    const list = (token: string) =>
      callWecom(sim, 'externalcontact/list', { access_token: token, userid: SHARED_USERID });
    expect((await list(tokenB)).external_userid).toEqual([groupCustomerId(1), groupCustomerId(2)]);
    expect((await list(tokenA)).external_userid).toHaveLength(28);
    expect((await list(tokenA)).external_userid).not.toContain(groupCustomerId(1));

    const get = (token: string, id: string) =>
      callWecom(sim, 'externalcontact/get', { access_token: token, external_userid: id });
    const mine = await get(tokenB, groupCustomerId(2));
    expect(mine.errcode).toBe(0);
    expect(mine.external_contact.name).toBe('邱雅琴');
    expect(mine.follow_user.map((f: { userid: string }) => f.userid)).toEqual([
      SHARED_USERID,
      'chenlei',
    ]);
    // The same "unknown customer" answer as for one that does not exist at all.
    expect((await get(tokenA, groupCustomerId(2))).errcode).toBe(
      (await get(tokenA, DEMO_FACTS.unknownCustomer)).errcode,
    );
    expect((await get(tokenA, groupCustomerId(2))).errcode).toBe(40096);
    expect((await get(tokenB, customerId(1))).errcode).toBe(40096);
  });

  it("lists and reads B's groups with B's token only", async () => {
    const groups = await callWecom(
      sim,
      'externalcontact/groupchat/list',
      { access_token: tokenB },
      { limit: 100 },
    );
    expect(groups.group_chat_list).toEqual([{ chat_id: groupGroupChatId(1), status: 0 }]);
    const get = (token: string, chatId: string) =>
      callWecom(sim, 'externalcontact/groupchat/get', { access_token: token }, { chat_id: chatId });
    expect((await get(tokenB, groupGroupChatId(1))).group_chat.name).toBe('甬江客户服务群');
    expect((await get(tokenA, groupGroupChatId(1))).errcode).toBe(40050);
    expect((await get(tokenB, 'wrYsDemoGroup01')).errcode).toBe(40050);
  });

  it("answers the same userid with each corp's person", async () => {
    const user = (token: string) =>
      callWecom(sim, 'user/get', { access_token: token, userid: SHARED_USERID });
    expect((await user(tokenA)).name).toBe('张三');
    expect((await user(tokenB)).name).toBe('张珊');
    expect(
      (await callWecom(sim, 'user/get', { access_token: tokenB, userid: 'lisi' })).errcode,
    ).toBe(60111);
  });

  it("answers B's corpid and an encrypted userid for B's code under A's token; plain under B's", async () => {
    const cross = await exchange(b.issueLoginCode(SHARED_USERID), tokenA);
    expect(cross).toMatchObject({ errcode: 0, corpid: GROUP_CORP_ID });
    expect(cross.userid).toMatch(/^wo[A-Za-z0-9_-]{30}$/);

    const own = await exchange(b.issueLoginCode(SHARED_USERID), tokenB);
    expect(own).toMatchObject({ errcode: 0, corpid: GROUP_CORP_ID, userid: SHARED_USERID });
    expect(b.lastSessionKey(SHARED_USERID)).toBe(own.session_key);
    expect(sim.lastSessionKey(SHARED_USERID)).toBeUndefined();

    // And the other way round: A's code under B's token names A.
    const back = await exchange(sim.issueLoginCode(SHARED_USERID), tokenB);
    expect(back).toMatchObject({ errcode: 0, corpid: sim.corpId });
    expect(back.userid).toMatch(/^wo/);
    const a = await exchange(sim.issueLoginCode(SHARED_USERID), tokenA);
    expect(a).toMatchObject({ corpid: sim.corpId, userid: SHARED_USERID });
    expect(sim.lastSessionKey(SHARED_USERID)).toBe(a.session_key);
    expect(b.lastSessionKey(SHARED_USERID)).not.toBe(a.session_key);
  });

  it("issues codes from each corp's directory", async () => {
    expect(() => b.issueLoginCode('lisi')).toThrow(/unknown userid/);
    expect(() => sim.issueLoginCode('chenlei')).toThrow(/unknown userid/);
    expect(() => sim.issueLoginCode('lisi', { corpId: GROUP_CORP_ID })).toThrow(/unknown userid/);
    const viaA = sim.issueLoginCode('chenlei', { corpId: GROUP_CORP_ID });
    expect(await exchange(viaA, tokenB)).toMatchObject({ errcode: 0, userid: 'chenlei' });
    expect(b.demoEmployees().map((e) => [e.userid, e.name])).toEqual([
      [SHARED_USERID, '张珊'],
      ['chenlei', '陈磊'],
      ['wangfang', '王芳'],
      ['zhoujie', '周杰'],
    ]);
  });

  it("counts every corp's secrets and tokens as issued secrets", () => {
    const issued = sim.issuedSecrets();
    for (const secret of [
      GROUP_APP_SECRET,
      GROUP_OTHER_APP_SECRET,
      GROUP_DIRECTORY_SYNC_SECRET,
      sim.seed.miniprogramApp.secret,
      tokenA,
      tokenB,
      b.lastSessionKey(SHARED_USERID)!,
    ])
      expect(issued).toContain(secret);
  });

  it("serves B's login pages for B's appid and its codes to B's app", async () => {
    const page = await new WebClient().get(
      `${sim.url}/wwlogin/sso/login?${new URLSearchParams({
        login_type: 'CorpApp',
        appid: GROUP_CORP_ID,
        agentid: b.seed.miniprogramApp.agentid,
        redirect_uri: 'http://127.0.0.1:9/back',
        state: 'st1',
      })}`,
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('宁波甬江科技有限公司');
    expect(page.text).toContain('data-userid="chenlei"');
    const back = await new WebClient().get(`${sim.url}${pickLink(page, { userid: 'chenlei' })}`);
    expect(back.status).toBe(302);
    const code = new URL(back.location!).searchParams.get('code')!;
    expect(await callWecom(sim, 'auth/getuserinfo', { access_token: tokenB, code })).toMatchObject({
      errcode: 0,
      userid: 'chenlei',
    });
    const webCode = b.issueWebLoginCode({ userid: 'wangfang' });
    expect(
      (await callWecom(sim, 'auth/getuserinfo', { access_token: tokenA, code: webCode })).errcode,
    ).toBe(40029);
  });
});

describe('simulator: several corps, callbacks', () => {
  let server: Server;
  let base: string;
  const received: { path: string; body: string }[] = [];
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const encryptedOf = (body: string) =>
    /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)![1]!;

  beforeAll(async () => {
    // Two receivers, one per corp's deployment, with the same keys: only the receiveid differs.
    server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (request.method === 'GET') {
        const echostr = url.searchParams.get('echostr') ?? '';
        response.end(decrypt(DIRECTORY_CALLBACK.encodingAesKey, echostr).message);
        return;
      }
      received.push({ path: url.pathname, body: await readBody(request) });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(
      (await sim.registerCallback('directory', { url: `${base}/a`, ...DIRECTORY_CALLBACK }))
        .verified,
    ).toBe(true);
    expect(
      (await b.registerCallback('directory', { url: `${base}/b`, ...DIRECTORY_CALLBACK })).verified,
    ).toBe(true);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("pushes B's deleted employee to B's receiver only, encrypted for B", async () => {
    received.length = 0;
    const [delivery] = await b.deleteEmployee(SHARED_USERID);
    expect(delivery).toMatchObject({ delivered: true, event: 'change_contact' });
    expect(received.map((r) => r.path)).toEqual(['/b']);
    const { message, id } = decrypt(
      DIRECTORY_CALLBACK.encodingAesKey,
      encryptedOf(received[0]!.body),
    );
    expect(id).toBe(GROUP_CORP_ID);
    expect(message).toContain('<ChangeType><![CDATA[delete_user]]></ChangeType>');
    expect(message).toContain(`<UserID><![CDATA[${SHARED_USERID}]]></UserID>`);
    expect(sim.callbackDeliveries().filter((d) => d.event === 'change_contact')).toEqual([]);
    // B's zhangsan is gone; A's is still there.
    expect(
      (await callWecom(sim, 'user/get', { access_token: tokenB, userid: SHARED_USERID })).errcode,
    ).toBe(60111);
    expect(
      (await callWecom(sim, 'user/get', { access_token: tokenA, userid: SHARED_USERID })).name,
    ).toBe('张三');
  });

  it("pushes B's directory changes made over the control surface (?corpId=) to B only", async () => {
    received.length = 0;
    const response = await fetch(`${sim.url}/sandbox/org/members?corpId=${GROUP_CORP_ID}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userid: 'xiaoyu', name: '肖雨', department: [3] }),
    });
    expect(response.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.map((r) => r.path)).toEqual(['/b']);
    expect(b.orgVisibleTo().members.map((m) => m.userid)).toContain('xiaoyu');
    expect(sim.orgVisibleTo().members.map((m) => m.userid)).not.toContain('xiaoyu');
    const unknown = await fetch(`${sim.url}/sandbox/org?corpId=ww0000000000000000`);
    expect(unknown.status).toBe(404);
    const world = await fetch(`${sim.url}/sandbox/world/delete-employee?corpId=${GROUP_CORP_ID}`, {
      method: 'POST',
      body: JSON.stringify({ userid: 'xiaoyu' }),
    });
    expect(world.status).toBe(200);
    expect(await world.json()).toMatchObject({ deliveries: [{ delivered: true }] });
    expect(received.map((r) => r.path)).toEqual(['/b', '/b']);
  });

  it('issues a login code of B over the control surface (400 for a userid B does not have)', async () => {
    const post = (body: object) =>
      fetch(`${sim.url}/sandbox/login-code`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ userid: 'lisi', corpId: GROUP_CORP_ID })).status).toBe(400);
    const response = await post({ userid: 'chenlei', corpId: GROUP_CORP_ID });
    const { code } = (await response.json()) as { code: string };
    expect(await exchange(code, tokenB)).toMatchObject({ errcode: 0, userid: 'chenlei' });
  });
});
