// TEMPORARY stand-in until the catalogue branch lands (same interface).
export function parseErrmsg(errmsg: string): { text: string; hint?: string; fromIp?: string } {
  const hint = /hint:\s*\[([^\]]*)\]/.exec(errmsg)?.[1];
  const fromIp = /from ip:\s*([0-9A-Fa-f:.]+)/.exec(errmsg)?.[1];
  return { text: errmsg.split(',')[0] ?? errmsg, hint, fromIp };
}
