import { z } from 'zod';
import { loadConfig } from '../../../server/src/config';
import { createWecomHttp } from '../../../server/src/wecom/http';
import { resolveSettings } from '../../../server/src/wecom-target';
import { silentLogger } from '../../helpers/stores';

// Sandbox mode starts the simulator in-process; its WeCom calls keep WECOM_TIMEOUT_MS like a real
// corp's do.

describe('resolveSettings in sandbox mode', () => {
  it('should give the simulator the configured WECOM_TIMEOUT_MS', async () => {
    const { settings, simulator } = await resolveSettings(
      loadConfig({ WECOM_TIMEOUT_MS: '300', LOG_LEVEL: 'silent' }),
    );
    const wecomConfig = settings.wecom;
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
