import type { Services } from './index';

/** What app.ts registers with App(); pages reach the services through it. */
export interface AppOption {
  services: Services;
}

/** The services that app.ts created at launch. */
export function currentServices(): Services {
  return getApp<AppOption>().services;
}
