/** WeCom errcodes: the catalogue (data), its explanations, the code groups and errmsg parsing. */
export {
  type Bilingual,
  consolePaths,
  type ErrcodeCategory,
  secretKeys,
} from './catalogue';
export { maskIps, parseErrmsg } from './errmsg';
export {
  type AppIdentity,
  consolePath,
  describeErrcode,
  errcodeQueryLink,
  explainErrcode,
  shortFix,
  wecomErrcodes,
} from './explain';
export * from './groups';
