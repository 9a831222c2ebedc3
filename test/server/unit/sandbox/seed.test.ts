import { createCorpModel } from '../../../../server/src/sandbox/corp';
import { groupCorp, SHARED_USERID } from '../../../../server/src/sandbox/group-corp';
import { setUpScenario } from '../../../../server/src/sandbox/scenarios';
import {
  addGeneratedFollowers,
  customerId,
  DEMO_FACTS,
  demoCorp,
} from '../../../../server/src/sandbox/seed';

describe('sandbox demo corp', () => {
  const seed = demoCorp();
  const corp = createCorpModel(seed, 0);
  const app = corp.appsBySecret.get(seed.miniprogramApp.secret)!;

  it('has unique ids and the promised size', () => {
    expect(seed.departments).toHaveLength(7);
    expect(seed.employees).toHaveLength(15);
    expect(seed.customers).toHaveLength(40);
    expect(seed.groupChats).toHaveLength(6);
    expect(new Set(seed.employees.map((e) => e.userid)).size).toBe(15);
    expect(new Set(seed.customers.map((c) => c.external_userid)).size).toBe(40);
    expect(seed.customers.filter((c) => c.type === 2).length).toBeGreaterThanOrEqual(8);
    expect(seed.customers.filter((c) => c.type === 1).length).toBeGreaterThanOrEqual(20);
  });

  it('gives zhangsan 28 customers and keeps the well-known cases', () => {
    expect(corp.followsByUser.get('zhangsan')).toHaveLength(28);
    expect(corp.customers.get(DEMO_FACTS.noFollowers)!.follow).toEqual([]);
    const onlyConfidential = corp.customers.get(DEMO_FACTS.onlyConfidentialFollower)!;
    expect(onlyConfidential.follow.every((f) => !app.visibleUsers.has(f.userid))).toBe(true);
    expect(app.visibleUsers.has('liuzong')).toBe(false);
    expect(app.visibleUsers.has('wangwu')).toBe(true); // sub-department of 销售部
    expect(app.visibleMemberCount).toBe(13);
  });

  it('every follower and group member exists; group owners are employees', () => {
    for (const c of seed.customers)
      for (const f of c.follow) expect(corp.employees.has(f.userid)).toBe(true);
    for (const g of seed.groupChats) {
      expect(corp.employees.has(g.owner)).toBe(true);
      for (const m of g.members) {
        expect(m.type === 1 ? corp.employees.has(m.userid) : corp.customers.has(m.userid)).toBe(
          true,
        );
      }
    }
  });

  it('demoCorp() is a fresh copy and scenarios never change their input', () => {
    const mine = demoCorp();
    addGeneratedFollowers(mine, customerId(1), 3);
    expect(demoCorp().employees).toHaveLength(15);
    const setup = setUpScenario('narrow-visible-range', mine);
    expect(setup.seed.miniprogramApp.visibleRange.users).toEqual(['zhangsan']);
    expect(mine.miniprogramApp.visibleRange.departments).toEqual([2, 4, 5, 6]);
  });
});

describe('sandbox group corp (a sister company of the demo corp)', () => {
  const demo = demoCorp();
  const seed = groupCorp();
  const corp = createCorpModel(seed, 0);

  it('is another corp with its own secrets and agents, sharing the mini-program', () => {
    expect(seed.corpId).toMatch(/^ww[0-9a-f]{16}$/);
    expect([demo.corpId, demo.otherCorp.corpId]).not.toContain(seed.corpId);
    expect(seed.miniprogramAppId).toBe(demo.miniprogramAppId);
    const secrets = (c: typeof seed) => [
      c.miniprogramApp.secret,
      c.otherApp.secret,
      c.directorySyncSecret,
    ];
    expect(new Set([...secrets(seed), ...secrets(demo)]).size).toBe(6);
    expect([demo.miniprogramApp.agentid, demo.otherApp.agentid]).not.toContain(
      seed.miniprogramApp.agentid,
    );
  });

  it('has another person under a userid the demo corp has, following only its own customers', () => {
    const mine = seed.employees.find((e) => e.userid === SHARED_USERID)!;
    const theirs = demo.employees.find((e) => e.userid === SHARED_USERID)!;
    expect(mine.name).not.toBe(theirs.name);
    const demoIds = new Set([
      ...demo.customers.map((c) => c.external_userid),
      ...demo.groupChats.map((g) => g.chat_id),
    ]);
    for (const id of [...corp.customers.keys(), ...corp.groups.keys()])
      expect(demoIds.has(id)).toBe(false);
    expect(corp.followsByUser.get(SHARED_USERID)!.length).toBeGreaterThan(0);
    for (const c of seed.customers)
      for (const f of c.follow) expect(corp.employees.has(f.userid)).toBe(true);
    for (const g of seed.groupChats)
      for (const m of g.members)
        expect(m.type === 1 ? corp.employees.has(m.userid) : corp.customers.has(m.userid)).toBe(
          true,
        );
  });
});
