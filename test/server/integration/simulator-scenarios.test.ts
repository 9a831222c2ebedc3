import {
  customerId,
  DEMO_APP_AGENT_ID,
  DEMO_MINIPROGRAM_APPID,
  type ScenarioName,
  type Simulator,
  scenarioDescriptions,
  scenarioNames,
} from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, type WecomAnswer } from '../../helpers/simulator';

type Credential = 'app' | 'contact' | 'directory';

async function gettoken(sim: Simulator, credential: Credential): Promise<WecomAnswer> {
  const config = sim.wecomConfig();
  return callWecom(sim, 'gettoken', {
    corpid: config.corpId,
    corpsecret: config.secrets[credential],
  });
}

async function token(sim: Simulator, credential: Credential): Promise<string> {
  const answer = await gettoken(sim, credential);
  expect(answer.errcode).toBe(0);
  return answer.access_token;
}

async function login(sim: Simulator, userid = 'zhangsan'): Promise<WecomAnswer> {
  return callWecom(sim, 'miniprogram/jscode2session', {
    access_token: await token(sim, 'app'),
    js_code: sim.issueLoginCode(userid),
    grant_type: 'authorization_code',
  });
}

async function customer(sim: Simulator, n: number): Promise<WecomAnswer> {
  return callWecom(sim, 'externalcontact/get', {
    access_token: await token(sim, 'contact'),
    external_userid: customerId(n),
  });
}

async function userGet(sim: Simulator, userid: string): Promise<WecomAnswer> {
  return callWecom(sim, 'user/get', { access_token: await token(sim, 'directory'), userid });
}

async function groupList(sim: Simulator, body: object): Promise<WecomAnswer> {
  return callWecom(
    sim,
    'externalcontact/groupchat/list',
    { access_token: await token(sim, 'contact') },
    body,
  );
}

const effects: Record<ScenarioName, (sim: Simulator) => Promise<void>> = {
  async healthy(sim) {
    const config = sim.wecomConfig({ timeoutMs: 1234 });
    expect(config).toMatchObject({
      corpId: sim.corpId,
      apiBase: sim.url,
      timeoutMs: 1234,
      appAgentId: DEMO_APP_AGENT_ID,
      miniprogramAppId: DEMO_MINIPROGRAM_APPID,
    });
    expect(config.secrets.contact).toBe(config.secrets.app);
    expect(config.secrets.directory).toBe(config.secrets.app);
    expect((await login(sim)).errcode).toBe(0);
    expect((await customer(sim, 1)).errcode).toBe(0);
    expect((await userGet(sim, 'lisi')).errcode).toBe(0);
    expect((await groupList(sim, { limit: 100 })).errcode).toBe(0);
  },
  async 'wrong-secret'(sim) {
    expect((await gettoken(sim, 'app')).errcode).toBe(40001);
    expect((await gettoken(sim, 'contact')).errcode).toBe(0);
  },
  async 'wrong-corp'(sim) {
    expect(sim.wecomConfig().corpId).not.toBe(sim.corpId);
    expect((await gettoken(sim, 'app')).errcode).toBe(40013);
  },
  async 'untrusted-ip'(sim) {
    const answer = await login(sim);
    expect(answer.errcode).toBe(60020);
    expect(answer.errmsg).toContain('from ip: 127.0.0.1,');
  },
  async 'not-associated'(sim) {
    expect((await login(sim)).errcode).toBe(48002);
    expect((await customer(sim, 1)).errcode).toBe(0);
  },
  async 'contact-not-callable'(sim) {
    expect((await customer(sim, 1)).errcode).toBe(48002);
    expect((await groupList(sim, { limit: 10 })).errcode).toBe(48002);
    expect((await login(sim)).errcode).toBe(0);
  },
  async 'no-contact-permission'(sim) {
    expect((await customer(sim, 1)).errcode).toBe(84074);
    expect((await groupList(sim, { limit: 10 })).errcode).toBe(84074);
  },
  async 'narrow-visible-range'(sim) {
    expect((await userGet(sim, 'lisi')).errcode).toBe(60011);
    expect((await userGet(sim, 'zhangsan')).errcode).toBe(0);
    const shared = await customer(sim, 3);
    expect(shared.follow_user.map((f: { userid: string }) => f.userid)).toEqual(['zhangsan']);
    expect((await customer(sim, 29)).errcode).toBe(40096);
  },
  async 'directory-sync-secret'(sim) {
    expect((await userGet(sim, 'zhangsan')).errcode).toBe(48009);
    expect((await login(sim)).errcode).toBe(0);
  },
  async 'big-corp'(sim) {
    const answer = await groupList(sim, { limit: 100 });
    expect(answer).toMatchObject({ errcode: 81017, group_chat_list: [] });
    expect(
      (await groupList(sim, { limit: 100, owner_filter: { userid_list: ['zhangsan'] } })).errcode,
    ).toBe(0);
  },
};

describe('simulator: scenarios', () => {
  it('names ten scenarios, each with an English description', () => {
    expect([...scenarioNames].sort()).toEqual(Object.keys(effects).sort());
    for (const name of scenarioNames) expect(scenarioDescriptions[name]).toMatch(/^[A-Z].+\.$/);
  });

  it.each(scenarioNames.map((name) => [name]))('%s shows its effect', async (name) => {
    const sim = await startTestSimulator({ scenario: name });
    expect(sim.scenario).toBe(name);
    await effects[name](sim);
  });
});
