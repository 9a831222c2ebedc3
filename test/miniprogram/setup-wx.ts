// jest setupFiles for the mini-program project. miniprogram-simulate defines only Component and
// Behavior; this adds App/getApp/Page/getCurrentPages and a base `wx` (inside WeCom, with wx.qy
// mocks). simulate merges its own API mocks under these values when a test imports it.
import { createFakeWx } from './helpers/fake-wx';

// Dates on screen are formatted in the device's zone; pin it so expectations are stable.
process.env.TZ = 'Asia/Shanghai';

type AnyRecord = Record<string, unknown>;

let app: AnyRecord = {};
const RESERVED = new Set(['data', 'options', 'behaviors']);

Object.assign(globalThis, {
  wx: createFakeWx().wx,
  App: (options: AnyRecord) => {
    app = options;
  },
  getApp: () => app,
  getCurrentPages: () => [],
  // Page(options) onto Component: functions become methods, other fields land on `this`.
  Page: (options: AnyRecord) => {
    const methods: AnyRecord = {};
    const extra: AnyRecord = {};
    for (const [key, value] of Object.entries(options)) {
      if (RESERVED.has(key)) continue;
      (typeof value === 'function' ? methods : extra)[key] = value;
    }
    (globalThis as unknown as { Component: (o: AnyRecord) => void }).Component({
      data: options.data ?? {},
      behaviors: options.behaviors,
      options: options.options,
      methods,
      lifetimes: {
        created(this: AnyRecord) {
          Object.assign(this, extra);
        },
      },
    });
  },
});
