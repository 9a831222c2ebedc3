/**
 * The service provider's suites the simulator plays (`startSimulator({provider: {suites}})`): a
 * third-party app (`wwsuite…`) and a 代开发 (custom) app template (`dk…`), each with the
 * SuiteSecret the provider admin shows.
 */

export interface DemoSuite {
  suiteId: string;
  kind: 'third-party' | 'custom';
  name: string;
  suiteSecret: string;
}

/**
 * The provider's own corp ID (服务商的corpid, also the salt of its open_userids) and its
 * ProviderSecret (服务商管理后台 → 应用管理 → 通用开发参数): service/get_provider_token takes both.
 */
export const PROVIDER_CORP_ID = 'ww0f1e2d3c4b5a6978';
export const PROVIDER_SECRET = 'YsProviderSecret000000000000000000000000000K';

export const THIRD_PARTY_SUITE_ID = 'wwsuite5e6f7a8b9c0d1e2f';
export const THIRD_PARTY_SUITE_SECRET = 'YsThirdPartySuiteSecret00000000000000000000H';
export const CUSTOM_SUITE_ID = 'dk3c4d5e6f7a8b9c0d';
export const CUSTOM_SUITE_SECRET = 'YsCustomTemplateSuiteSecret0000000000000000J';

/** One third-party suite and one 代开发 template, both named 客户助手. */
export function demoSuites(): DemoSuite[] {
  return [
    {
      suiteId: THIRD_PARTY_SUITE_ID,
      kind: 'third-party',
      name: '客户助手 (第三方)',
      suiteSecret: THIRD_PARTY_SUITE_SECRET,
    },
    {
      suiteId: CUSTOM_SUITE_ID,
      kind: 'custom',
      name: '客户助手 (代开发)',
      suiteSecret: CUSTOM_SUITE_SECRET,
    },
  ];
}
