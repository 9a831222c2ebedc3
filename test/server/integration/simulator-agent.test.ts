import { DEMO_OTHER_APP_SECRET, type Simulator } from '../../../server/src/sandbox/index';
import { callWecom, startTestSimulator, tokenFor } from '../../helpers/simulator';

describe('simulator: agent/get and getcallbackip', () => {
  let sim: Simulator;
  let app: string;
  beforeAll(async () => {
    sim = await startTestSimulator();
    app = await tokenFor(sim);
  });

  it('agent/get answers the token’s own app with its name', async () => {
    const answer = await callWecom(sim, 'agent/get', {
      access_token: app,
      agentid: sim.seed.miniprogramApp.agentid,
    });
    expect(answer).toMatchObject({
      errcode: 0,
      agentid: Number(sim.seed.miniprogramApp.agentid),
      name: '客户助手',
      close: 0,
    });
    const other = await tokenFor(sim, DEMO_OTHER_APP_SECRET);
    expect(
      (
        await callWecom(sim, 'agent/get', {
          access_token: other,
          agentid: sim.seed.otherApp.agentid,
        })
      ).name,
    ).toBe('审批助手');
  });

  it('agent/get answers 301002 for another app’s AgentId and 40056 for no app’s', async () => {
    const another = await callWecom(sim, 'agent/get', {
      access_token: app,
      agentid: sim.seed.otherApp.agentid,
    });
    expect(another.errcode).toBe(301002);
    expect(another.errmsg).toMatch(
      /^not allow operate another agent with this accesstoken, hint: \[/,
    );
    for (const agentid of ['9999999', 'abc', '']) {
      expect((await callWecom(sim, 'agent/get', { access_token: app, agentid })).errcode).toBe(
        40056,
      );
    }
  });

  it('getcallbackip needs an access token (41001 without) and lists ranges with one', async () => {
    expect((await callWecom(sim, 'getcallbackip')).errcode).toBe(41001);
    const answer = await callWecom(sim, 'getcallbackip', { access_token: app });
    expect(answer.errcode).toBe(0);
    expect(answer.ip_list.length).toBeGreaterThan(0);
  });
});
