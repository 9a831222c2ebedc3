import { type Api, createApi } from './api';
import { type Auth, createAuth } from './auth';
import { config } from './config';
import { createSidebarContext } from './context';
import { createDemo, type Demo } from './demo';
import { createEnv, type Env } from './env';
import { createGate, type Gate } from './gate';
import { createNav, type Nav } from './nav';
import type { Platform } from './platform';
import { createQy } from './qy';
import { createRequest } from './request';
import { createServerOrigin, type ServerOrigin } from './server-origin';
import { createStorage } from './storage';

export interface Services {
  env: Env;
  auth: Auth;
  api: Api;
  gate: Gate;
  nav: Nav;
  demo: Demo;
  origin: ServerOrigin;
}

export interface ServicesOptions {
  /** The `wx` global in the mini-program; any object with the same shape elsewhere. */
  wx: Platform;
  /**
   * Server origin, fixed; default: the one config.origins names for this build (envVersion), or
   * in a develop build the one the developer chose (`origin.set`).
   */
  baseUrl?: string;
  requestTimeoutMs?: number;
  loginTimeoutMs?: number;
}

/** The only place that wires the services to a `wx`. Everything else receives what it needs. */
export function createServices({
  wx,
  baseUrl,
  requestTimeoutMs = config.requestTimeoutMs,
  loginTimeoutMs = config.loginTimeoutMs,
}: ServicesOptions): Services {
  const env = createEnv({ wx });
  const storage = createStorage({ wx });
  const origin = createServerOrigin({ env, storage, fixed: baseUrl });
  const request = createRequest({
    origin: origin.base,
    transport: (option) => wx.request(option),
    getToken: storage.getToken,
    timeoutMs: requestTimeoutMs,
  });
  const qy = createQy({ wx, loginTimeoutMs });
  const demo = createDemo({ env, request });
  const sidebar = createSidebarContext({ qy });
  const auth = createAuth({ env, qy, request, storage, demo, sidebar });
  return {
    env,
    auth,
    api: createApi({ auth, request, sidebar }),
    gate: createGate({ auth, qy }),
    nav: createNav({ wx }),
    demo,
    origin,
  };
}

export type { Platform } from './platform';
