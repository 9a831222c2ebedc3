import { licenceCheck } from '../../../../server/src/provider/doctor-checks';
import type { InstalledCorp } from '../../../../server/src/provider/registry';
import type { ProviderApi } from '../../../../server/src/wecom/provider-api';

// The interface licence check without the provider's ProviderSecret: it asks WeCom nothing and
// says where the secret goes. (With one, integration/provider.test.ts drives it over HTTP.)

const corp: InstalledCorp = {
  corpId: 'wwb0b1b2b3b4b5b6b7',
  suiteId: 'wwsuite5e6f7a8b9c0d1e2f',
  kind: 'third-party',
  permanentCode: 'unused',
  installedAt: 0,
};

it('is skipped without the provider’s ProviderSecret, saying where to give it, and calls nothing', async () => {
  const asked: string[] = [];
  const api = new Proxy({} as ProviderApi, {
    get: (_target, name) => () => {
      asked.push(String(name));
      throw new Error('no call expected');
    },
  });
  const check = await licenceCheck({ api, providerToken: undefined }, corp);
  expect(check).toMatchObject({
    id: 'licence',
    status: 'skipped',
    fix: {
      en: expect.stringContaining('"provider"'),
      zh: expect.stringContaining('ProviderSecret'),
    },
  });
  expect(asked).toEqual([]);
});
