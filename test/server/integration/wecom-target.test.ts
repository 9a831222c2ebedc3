import { z } from 'zod';
import { loadConfig } from '../../../server/src/config';
import { createWecomHttp } from '../../../server/src/wecom/http';
import { resolveWecomTarget } from '../../../server/src/wecom-target';
import { silentLogger } from '../../helpers/stores';

// Sandbox mode starts the simulator in-process; its WeCom calls keep WECOM_TIMEOUT_MS like a real
// corp's do.

describe('resolveWecomTarget in sandbox mode', () => {
  it('should give the simulator the configured WECOM_TIMEOUT_MS', async () => {
    const { wecomConfig, simulator } = await resolveWecomTarget(
      loadConfig({ WECOM_TIMEOUT_MS: '300', LOG_LEVEL: 'silent' }),
    );
    const http = createWecomHttp({
      apiBase: wecomConfig.apiBase,
      timeoutMs: wecomConfig.timeoutMs,
      logger: silentLogger(),
    });
    try {
      expect(wecomConfig.timeoutMs).toBe(300);
      simulator!.injectFault({ api: 'getcallbackip', kind: 'hang' });
      await expect(http.call({ api: 'getcallbackip', schema: z.object({}) })).rejects.toMatchObject(
        { reason: 'timeout', detail: 'no answer within 300 ms' },
      );
    } finally {
      await http.close();
      await simulator!.close();
    }
  });
});
