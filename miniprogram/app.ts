import { config } from './services/config';
import type { AppOption } from './services/current';
import { createServices } from './services/index';

App<AppOption>({
  services: createServices({ wx, baseUrl: config.baseUrl }),
});
