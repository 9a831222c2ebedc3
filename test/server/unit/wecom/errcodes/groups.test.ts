import {
  CACHED_TOKEN_REJECTED,
  CONFIGURATION_REFUSED,
  CREDENTIAL_REFUSED,
  CUSTOMER_NOT_FOUND,
  DEPARTMENT_NOT_FOUND,
  describeErrcode,
  GROUP_NOT_FOUND,
  INVALID_CURSOR,
  LISTING_REFUSED,
  LOGIN_CODE_REJECTED,
  NOT_FOUND,
  OTHER_APP,
  RATE_LIMITED,
  RESOURCE_HIDDEN,
  TOKEN_REJECTED,
  TOO_MANY_USERS,
  TRANSIENT,
  UNTRUSTED_IP,
  USER_NOT_FOUND,
  wecomErrcodes,
} from '../../../../../server/src/wecom/errcodes';

const sorted = (codes: ReadonlySet<number>) => [...codes].sort((a, b) => a - b);

describe('errcode groups', () => {
  it.each([
    ['TRANSIENT', TRANSIENT, [-1]],
    ['RATE_LIMITED', RATE_LIMITED, [45009, 45033]],
    ['TOKEN_REJECTED', TOKEN_REJECTED, [40014, 42001]],
    ['CACHED_TOKEN_REJECTED', CACHED_TOKEN_REJECTED, [40001]],
    [
      'CREDENTIAL_REFUSED',
      CREDENTIAL_REFUSED,
      [40001, 40013, 40091, 41002, 41004, 45031, 48006, 50003],
    ],
    ['LOGIN_CODE_REJECTED', LOGIN_CODE_REJECTED, [40029, 42003, 42013, 42022]],
    ['CUSTOMER_NOT_FOUND', CUSTOMER_NOT_FOUND, [40096, 84061]],
    ['GROUP_NOT_FOUND', GROUP_NOT_FOUND, [40050, 86001, 90501]],
    ['USER_NOT_FOUND', USER_NOT_FOUND, [60111]],
    ['DEPARTMENT_NOT_FOUND', DEPARTMENT_NOT_FOUND, [60123]],
    ['LISTING_REFUSED', LISTING_REFUSED, [48002, 48009]],
    ['RESOURCE_HIDDEN', RESOURCE_HIDDEN, [60011]],
    ['INVALID_CURSOR', INVALID_CURSOR, [40058]],
    ['UNTRUSTED_IP', UNTRUSTED_IP, [60020]],
    ['TOO_MANY_USERS', TOO_MANY_USERS, [81017]],
    ['OTHER_APP', OTHER_APP, [301002]],
  ] as const)('%s holds exactly %j', (_name, group, codes) => {
    expect(sorted(group)).toEqual(codes);
  });

  it('puts every per-resource not-found code in NOT_FOUND, and only catalogued codes anywhere', () => {
    for (const code of [
      ...CUSTOMER_NOT_FOUND,
      ...GROUP_NOT_FOUND,
      ...USER_NOT_FOUND,
      ...DEPARTMENT_NOT_FOUND,
    ]) {
      expect(NOT_FOUND.has(code)).toBe(true);
    }
    for (const group of [
      NOT_FOUND,
      RESOURCE_HIDDEN,
      INVALID_CURSOR,
      UNTRUSTED_IP,
      TOO_MANY_USERS,
    ]) {
      for (const code of group) expect(wecomErrcodes.has(code)).toBe(true);
    }
  });

  it('keeps one-id refusals, not-found answers and configuration refusals apart', () => {
    for (const code of RESOURCE_HIDDEN) expect(NOT_FOUND.has(code)).toBe(false);
    for (const code of NOT_FOUND) expect(CONFIGURATION_REFUSED.has(code)).toBe(false);
    for (const code of [48002, 48009, 60020, 84074, 40001, 40014]) {
      expect(CONFIGURATION_REFUSED.has(code)).toBe(true);
    }
    for (const code of [...RATE_LIMITED, ...TRANSIENT, ...LOGIN_CODE_REJECTED, 40058]) {
      expect(CONFIGURATION_REFUSED.has(code)).toBe(false);
    }
  });

  it('follows the catalogue categories where a group is one', () => {
    expect(sorted(CONFIGURATION_REFUSED)).toEqual(
      sorted(
        new Set(
          [...wecomErrcodes.values()]
            .filter((e) => ['permission', 'credential', 'token'].includes(e.category))
            .map((e) => e.errcode),
        ),
      ),
    );
    expect(describeErrcode(99999).category).toBe('request');
    expect(CONFIGURATION_REFUSED.has(99999)).toBe(false);
  });
});
