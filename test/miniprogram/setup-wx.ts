// jest setupFiles for the mini-program project. miniprogram-simulate defines only Component and
// Behavior; this adds App/getApp/Page/getCurrentPages and a base `wx` (inside WeCom, with wx.qy
// mocks). simulate merges its own API mocks under these values when a test imports it.
import { createFakeWx } from './helpers/fake-wx';

// Dates on screen are in the device's zone; pin the clock's offset to China Standard Time.
jest.spyOn(Date.prototype, 'getTimezoneOffset').mockReturnValue(-480);

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
