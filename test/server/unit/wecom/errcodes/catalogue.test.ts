import fc from 'fast-check';
import {
  describeErrcode,
  type ErrcodeCategory,
  errcodeQueryLink,
  explainErrcode,
  parseErrmsg,
  shortFix,
  wecomErrcodes,
} from '../../../../../server/src/wecom/errcodes';

/** WeCom's gettoken errors, the token errors on other APIs and the global codes this system meets. */
const TOKEN_AND_GLOBAL_CODES = [
  -1, 40001, 40003, 40013, 40014, 40029, 40056, 40058, 40063, 40082, 40084, 40091, 40096, 41001,
  41002, 41004, 41035, 42001, 42003, 42009, 42013, 42022, 45009, 45031, 45033, 48002, 48006, 48009,
  50001, 50003, 60011, 60020, 60111, 60123, 81013, 81017, 84061, 84074, 90206, 92002, 701008,
];
/**
 * The customer-API codes (chat ids, not a customer group), the trusted-domain set-up codes, and
 * 301002 (agent/get with another app's AgentId, which the doctor meets).
 */
const CUSTOMER_AND_SETUP_CODES = [40050, 86001, 90501, 80001, 85005, 85111, 301002];

const CJK = /[\u4e00-\u9fff]/;
const IPV4 = /\d{1,3}(?:\.\d{1,3}){3}/;
const SAMPLE_60020 =
  'not allow to access from your ip, hint: [1688706313500611129503023], from ip: 116.228.224.178, more info at https://open.work.weixin.qq.com/devtool/query?e=60020';

const all = (b: { zh: string; en: string }) => `${b.zh}\n${b.en}`;

describe('the catalogue', () => {
  it.each([...TOKEN_AND_GLOBAL_CODES, ...CUSTOMER_AND_SETUP_CODES])(
    'has an entry for %i',
    (code) => {
      expect(wecomErrcodes.get(code)?.errcode).toBe(code);
    },
  );

  it('holds exactly these codes and leaves out 0 (success is not an error)', () => {
    expect([...wecomErrcodes.keys()].sort((a, b) => a - b)).toEqual(
      [...TOKEN_AND_GLOBAL_CODES, ...CUSTOMER_AND_SETUP_CODES].sort((a, b) => a - b),
    );
    expect(wecomErrcodes.has(0)).toBe(false);
  });

  it('gives every entry non-empty Chinese and English meaning, cause and fix', () => {
    for (const entry of wecomErrcodes.values()) {
      for (const field of [entry.meaning, entry.cause, entry.fix]) {
        expect(field.zh.trim()).not.toBe('');
        expect(field.en.trim()).not.toBe('');
        expect({ code: entry.errcode, zh: field.zh, cjk: CJK.test(field.zh) }).toMatchObject({
          cjk: true,
        });
        expect(field.en).not.toMatch(/<应用>/);
      }
    }
  });

  it('never puts an IP address into a stored entry', () => {
    for (const entry of wecomErrcodes.values()) {
      expect(all(entry.meaning) + all(entry.cause) + all(entry.fix)).not.toMatch(IPV4);
    }
  });

  const categories: ReadonlyArray<[number, ErrcodeCategory]> = [
    [-1, 'transient'],
    [45009, 'rate_limited'],
    [45033, 'rate_limited'],
    [40014, 'token'],
    [42001, 'token'],
    [40001, 'credential'],
    [40013, 'credential'],
    [40091, 'credential'],
    [41002, 'credential'],
    [41004, 'credential'],
    [45031, 'credential'],
    [48006, 'credential'],
    [50003, 'credential'],
    [40029, 'login_code'],
    [42003, 'login_code'],
    [42022, 'login_code'],
    [84061, 'not_found'],
    [40096, 'not_found'],
    [60111, 'not_found'],
    [48002, 'permission'],
    [48009, 'permission'],
    [60011, 'permission'],
    [60020, 'permission'],
    [84074, 'permission'],
    [40003, 'request'],
    [40058, 'request'],
  ];
  it.each(categories)(
    'puts %i in category %s (the token logic depends on it)',
    (code, category) => {
      expect(describeErrcode(code).category).toBe(category);
      expect(explainErrcode(code).category).toBe(category);
    },
  );
});

describe('describeErrcode and errcodeQueryLink', () => {
  it('returns the catalogue entry itself for a known code', () => {
    expect(describeErrcode(60020)).toBe(wecomErrcodes.get(60020));
  });

  it('gives unknown codes a generic, never-retried request entry that points at the query tool', () => {
    const entry = describeErrcode(99999);
    expect(entry).toMatchObject({ errcode: 99999, category: 'request' });
    expect(entry.fix.zh).toContain('https://open.work.weixin.qq.com/devtool/query?e=99999');
    expect(entry.fix.en).toContain('https://open.work.weixin.qq.com/devtool/query?e=99999');
    expect(CJK.test(entry.meaning.zh)).toBe(true);
    expect(describeErrcode(0).category).toBe('request');
  });

  it('builds WeCom’s query link', () => {
    expect(errcodeQueryLink(60020)).toBe('https://open.work.weixin.qq.com/devtool/query?e=60020');
    expect(errcodeQueryLink(-1)).toBe('https://open.work.weixin.qq.com/devtool/query?e=-1');
    expect(explainErrcode(48002).link).toBe(errcodeQueryLink(48002));
  });
});

describe('explainErrcode (the doctor’s full form)', () => {
  it('60020: names the IP from the errmsg, the trusted-IP path, the prerequisite and the delay', () => {
    const { fromIp } = parseErrmsg(SAMPLE_60020);
    const out = explainErrcode(60020, { api: 'miniprogram/jscode2session', fromIp });
    expect(out.fix.zh).toContain('116.228.224.178');
    expect(out.fix.en).toContain('116.228.224.178');
    expect(out.fix.zh).toContain('企业可信IP → 配置');
    expect(out.fix.en).toContain('Trusted IP → Configure');
    expect(out.fix.zh).toMatch(/可信域名.*接收消息服务器URL/);
    expect(out.fix.en).toMatch(/trusted domain.*message-receiving server URL/);
    expect(out.fix.zh).toContain('1 分钟');
    expect(out.fix.en).toContain('1 minute');
    // jscode2session runs on the mini-program's app, so the path names that key's app.
    expect(out.fix.zh).toContain('WECOM_APP_SECRET');
    expect(out.category).toBe('permission');
  });

  it('60020 without an IP (or with a non-address) points at `from ip` instead of inventing one', () => {
    for (const fromIp of [undefined, 'xx.xx.xx.xx', 'javascript:alert(1)']) {
      const out = explainErrcode(60020, { fromIp });
      expect(out.fix.en).toContain('from ip');
      expect(out.fix.zh).toContain('from ip');
      expect(all(out.fix)).not.toContain('javascript');
      expect(all(out.fix)).not.toContain('xx.xx');
    }
  });

  it('60020 accepts an IPv6 egress address', () => {
    expect(explainErrcode(60020, { fromIp: '2001:db8::1' }).fix.en).toContain('Add IP 2001:db8::1');
  });

  it('48009: says the configured secret is the 通讯录同步 one and offers both ways out', () => {
    const out = explainErrcode(48009, { api: 'user/get', credential: 'directory' });
    expect(out.cause.zh).toContain('通讯录同步');
    expect(out.cause.zh).toContain('WECOM_DIRECTORY_SECRET');
    expect(out.cause.en).toContain('Contacts Sync');
    expect(out.fix.zh).toContain('自建应用');
    expect(out.fix.en).toContain("self-built app's secret");
    expect(out.fix.en).toContain('user/list_id');
    expect(out.fix.en).toContain('department/simplelist');
    // The fix is another app than the configured one, so the path is not renamed to the key's app.
    expect(out.fix.zh).not.toContain('<WECOM_DIRECTORY_SECRET');
  });

  it('48002 on jscode2session: the secret is not the associated app’s', () => {
    const out = explainErrcode(48002, { api: 'miniprogram/jscode2session', credential: 'app' });
    expect(out.cause.zh).toContain('WECOM_APP_SECRET');
    expect(out.cause.zh).toContain('关联');
    expect(out.cause.en).toContain('associated');
    expect(out.fix.en).toContain('WECOM_APP_SECRET');
    expect(out.fix.zh).not.toContain('可调用接口的应用');
  });

  it('48002 on externalcontact/*: add the app to 客户联系 → 可调用接口的应用', () => {
    const out = explainErrcode(48002, { api: 'externalcontact/get' });
    expect(out.fix.zh).toContain('客户联系 → API → 可调用接口的应用');
    expect(out.fix.en).toContain('Customer Contact');
    expect(out.fix.zh).toContain('WECOM_CONTACT_SECRET');
    expect(out.cause.en).toContain('WECOM_CONTACT_SECRET');
    expect(out.fix.en).not.toContain('jscode2session');
  });

  it('48002 reads the API family from a full path with cgi-bin and a query string', () => {
    const plain = explainErrcode(48002, { api: 'externalcontact/groupchat/list' });
    expect(
      explainErrcode(48002, { api: '/cgi-bin/externalcontact/groupchat/list?debug=1' }),
    ).toEqual(plain);
  });

  it('40014 on jscode2session names WECOM_APP_SECRET and the associated app; elsewhere it is a plain refresh', () => {
    const login = explainErrcode(40014, { api: 'miniprogram/jscode2session' });
    expect(login.category).toBe('token');
    expect(login.cause.zh).toContain('WECOM_APP_SECRET');
    expect(login.fix.en).toContain("mini-program's associated app");
    const other = explainErrcode(40014, { api: 'externalcontact/get' });
    expect(other.cause.en).toContain('refreshes once');
    expect(other.fix).not.toEqual(login.fix);
  });

  it('60011: widen the app’s 可见范围, naming the key’s app when known', () => {
    const out = explainErrcode(60011, { api: 'user/get', credential: 'directory' });
    expect(out.fix.zh).toContain('可见范围');
    expect(out.fix.en).toContain('visible range');
    expect(out.fix.zh).toContain('WECOM_DIRECTORY_SECRET');
    expect(explainErrcode(60011).fix.zh).toContain('可见范围');
  });

  it('60011 on a directory read about one department: add that department to the visible range', () => {
    const out = explainErrcode(60011, {
      api: 'user/list',
      credential: 'directory',
      target: { kind: 'department', id: 7, name: '董事会办公室' },
    });
    expect(out.cause.zh).toContain('部门「董事会办公室」（ID 7）');
    expect(out.fix.zh).toContain('可见范围');
    expect(out.fix.zh).toContain('部门「董事会办公室」（ID 7）');
    expect(out.fix.en).toContain('department "董事会办公室" (ID 7)');
    const member = explainErrcode(60011, {
      api: 'user/get',
      target: { kind: 'member', id: 'liuzong' },
    });
    expect(member.fix.en).toContain('member liuzong');
    // Without a target, or on another API family, the general text stays.
    expect(explainErrcode(60011, { api: 'user/get' }).fix.zh).not.toContain('{target}');
    expect(
      explainErrcode(60011, {
        api: 'externalcontact/get',
        target: { kind: 'department', id: 7 },
      }).fix.zh,
    ).not.toContain('部门 7');
  });

  it("60011 on an employee's own customer list: add that member to the visible range", () => {
    const out = explainErrcode(60011, {
      api: 'externalcontact/batch/get_by_user',
      credential: 'contact',
      target: { kind: 'member', id: 'liuzong' },
    });
    expect(out.cause.en).toContain('contact.outside_visible_range');
    expect(out.fix.en).toMatch(
      /^Add member liuzong \(or their department\) to the visible range at "App Management → Self-built → <the app of WECOM_CONTACT_SECRET> → Visible Range"/,
    );
    expect(out.fix.zh).toContain('可见范围」中加入成员 liuzong');
  });

  it('48002 on a directory API: user/list_id is for the 通讯录同步 secret only', () => {
    const out = explainErrcode(48002, { api: 'user/list_id', credential: 'directory' });
    expect(out.cause.zh).toContain('WECOM_DIRECTORY_SECRET');
    expect(out.cause.zh).toContain('通讯录同步');
    expect(out.fix.en).toContain('department/list and user/list');
  });

  it('60123: an unknown department is recorded as deleted by the org sync', () => {
    expect(explainErrcode(60123, { api: 'department/get' })).toMatchObject({
      category: 'not_found',
      fix: { en: expect.stringContaining('org sync') },
    });
  });

  it('40001 from gettoken: re-copy the secret, the app may be disabled, one-hour IP ban, the key to change', () => {
    const out = explainErrcode(40001, { api: 'gettoken', credential: 'contact' });
    expect(out.category).toBe('credential');
    expect(out.fix.zh).toContain('Secret → 查看');
    expect(out.fix.zh).toContain('启用');
    expect(out.fix.zh).toContain('1 小时');
    expect(out.fix.en).toContain('banned for 1 hour');
    expect(out.fix.en).toContain('WECOM_CONTACT_SECRET');
    expect(explainErrcode(40001).fix.en).toContain('banned for 1 hour');
  });

  it('40001 on another API explains the cached-token case', () => {
    const out = explainErrcode(40001, { api: 'externalcontact/get' });
    expect(out.cause.en).toContain('cached access token');
  });

  it('40013 names WECOM_CORP_ID and where to copy the 企业ID', () => {
    const out = explainErrcode(40013, { api: 'gettoken' });
    expect(out.fix.zh).toContain('我的企业 → 企业信息 → 企业ID');
    expect(out.fix.en).toContain('WECOM_CORP_ID');
  });

  it('fills the app placeholder with the configured key, and leaves it when unknown', () => {
    expect(explainErrcode(50003, { credential: 'app' }).fix.zh).toContain(
      '<WECOM_APP_SECRET 对应的应用>',
    );
    expect(explainErrcode(50003).fix.zh).toContain('<应用>');
    expect(explainErrcode(50003).fix.en).toContain('<app>');
  });

  it('keeps every entry’s texts non-empty under every context', () => {
    const apis = [
      undefined,
      'gettoken',
      'miniprogram/jscode2session',
      'externalcontact/get',
      'user/get',
    ];
    const credentials = [undefined, 'app', 'contact', 'directory'] as const;
    for (const code of wecomErrcodes.keys()) {
      for (const api of apis) {
        for (const credential of credentials) {
          const out = explainErrcode(code, { api, credential, fromIp: '203.0.113.7' });
          expect(out.errcode).toBe(code);
          for (const field of [out.meaning, out.cause, out.fix]) {
            expect(CJK.test(field.zh)).toBe(true);
            expect(field.en.length).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});

describe('shortFix (for employees)', () => {
  it('is one line per language with the code, meaning and the admin action', () => {
    const out = shortFix(48002, { api: 'externalcontact/get' });
    expect(out.zh).toContain('48002');
    expect(out.zh).toContain('可调用接口的应用');
    expect(out.en).toContain('48002');
    expect(out.zh).not.toMatch(/\n/);
    expect(out.en).not.toMatch(/\n/);
  });

  it('differs between 48002 on jscode2session and on externalcontact', () => {
    expect(shortFix(48002, { api: 'miniprogram/jscode2session' }).en).toContain('WECOM_APP_SECRET');
    expect(shortFix(48002, { api: 'miniprogram/jscode2session' })).not.toEqual(
      shortFix(48002, { api: 'externalcontact/get' }),
    );
  });

  it('never contains an IP, even for 60020 whose errmsg had one', () => {
    const { fromIp } = parseErrmsg(SAMPLE_60020);
    expect(fromIp).toBe('116.228.224.178');
    // Even a caller that passes the whole context (the type forbids fromIp) gets no IP back.
    const context = { api: 'miniprogram/jscode2session', fromIp } as Parameters<typeof shortFix>[1];
    const out = shortFix(60020, context);
    expect(all(out)).not.toContain('116.228.224.178');
    expect(all(out)).not.toMatch(IPV4);
    expect(out.zh).toContain('企业可信IP');
  });

  it('never contains an IP for any code and context (property)', () => {
    const codes = fc.oneof(fc.constantFrom(60020, ...wecomErrcodes.keys()), fc.integer());
    const api = fc.option(
      fc.constantFrom('gettoken', 'miniprogram/jscode2session', 'externalcontact/get', 'user/get'),
      {
        nil: undefined,
      },
    );
    const credential = fc.option(
      fc.constantFrom('app' as const, 'contact' as const, 'directory' as const),
      {
        nil: undefined,
      },
    );
    fc.assert(
      fc.property(codes, api, credential, fc.ipV4(), (code, a, c, ip) => {
        const out = shortFix(code, { api: a, credential: c, fromIp: ip } as Parameters<
          typeof shortFix
        >[1]);
        expect(all(out)).not.toMatch(IPV4);
        expect(`${out.zh}${out.en}`).not.toMatch(/\n/);
        expect(CJK.test(out.zh)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('console paths that name another app than the configured one', () => {
  it('48002 and 40014 on the login point at the associated app, not at WECOM_APP_SECRET’s app', () => {
    for (const code of [48002, 40014]) {
      const out = explainErrcode(code, { api: 'miniprogram/jscode2session' });
      expect(out.fix.zh).toContain('<小程序关联的应用>');
      expect(out.fix.zh).not.toContain('<WECOM_APP_SECRET 对应的应用>');
    }
  });
});

describe('situational variants and placeholders', () => {
  const apis = [
    undefined,
    'gettoken',
    'miniprogram/jscode2session',
    'externalcontact/get',
    'user/get',
    'agent/get',
    'getcallbackip',
  ];
  const credentials = [undefined, 'app', 'contact', 'directory'] as const;
  const apps = [undefined, { agentId: '1000002' }, { agentId: '1000002', name: '客户助手' }];

  it('leaves no placeholder unfilled in any text, full or short, for any situation', () => {
    for (const code of [...wecomErrcodes.keys(), 12345]) {
      for (const api of apis) {
        for (const credential of credentials) {
          for (const app of apps) {
            for (const fromIp of [undefined, '203.0.113.7']) {
              for (const target of [
                undefined,
                { kind: 'department', id: 7 } as const,
                { kind: 'member', id: 'liuzong' } as const,
              ]) {
                const out = explainErrcode(code, { api, credential, fromIp, app, target });
                expect(all(out.cause) + all(out.fix)).not.toMatch(/\{\w+\}/);
              }
            }
          }
          expect(all(shortFix(code, { api, credential }))).not.toMatch(/\{\w+\}/);
        }
      }
    }
  });

  it('names the app by its name and AgentId when the caller knows them, else by AgentId', () => {
    const named = explainErrcode(60020, {
      api: 'user/get',
      fromIp: '203.0.113.7',
      app: { agentId: '1000002', name: '客户助手' },
    });
    expect(named.fix.zh).toContain(
      '「应用管理 → 自建 → 客户助手（AgentId 1000002） → 企业可信IP → 配置」',
    );
    expect(named.fix.en).toContain(
      '"App Management → Self-built → 客户助手 (AgentId 1000002) → Trusted IP → Configure"',
    );
    expect(all(named.fix)).not.toContain('<');
    const byId = explainErrcode(50003, { credential: 'app', app: { agentId: '1000002' } });
    expect(byId.fix.zh).toContain('<AgentId 1000002 的应用>');
    expect(byId.fix.en).toContain('<the app with AgentId 1000002>');
  });

  it('84074: both console paths, the app list and the members’ customer-contact setting', () => {
    const out = explainErrcode(84074, { api: 'externalcontact/get_follow_user_list' });
    expect(out.fix.zh).toContain('「客户联系 → API → 可调用接口的应用」');
    expect(out.fix.zh).toContain('「客户联系 → 权限配置」');
    expect(out.fix.en).toContain('"Customer Contact → Permissions"');
    expect(shortFix(84074).zh).toContain('「客户联系 → 权限配置」');
  });

  it('301002: WECOM_APP_AGENT_ID is not the AgentId of WECOM_APP_SECRET’s app', () => {
    const out = explainErrcode(301002, { api: 'agent/get' });
    expect(out.category).toBe('permission');
    expect(out.cause.en).toContain('WECOM_APP_AGENT_ID');
    expect(out.fix.zh).toContain('<WECOM_APP_SECRET 对应的应用>');
  });
});
