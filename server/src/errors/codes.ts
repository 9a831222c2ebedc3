// The server's door to the one registry of error codes. The registry lives with the mini-program
// (`miniprogram/shared/errors.ts`), the only place both sides can import; server code reaches it
// through this file only.
export { type ErrorCode, errorCodes, errorTexts } from '../../../miniprogram/shared/errors';
