import type { AppOption } from './services/current';
import { createServices } from './services/index';

// The server origin follows the build (develop / trial / release): see services/config.ts.
App<AppOption>({
  services: createServices({ wx }),
});
