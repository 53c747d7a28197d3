// The package a V8 profile frame belongs to (a pnpm package, a workspace package, `node:…`, or the
// frame's own name when it has no URL): how the CPU and heap profile summaries group their figures.
export function pkgOf(frame) {
  const url = frame.url;
  if (!url) return `(${frame.functionName || 'native'})`;
  let m = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  m = url.match(/\/(packages\/[^/]+|plugins\/[^/]+|bench)\//);
  if (m) return m[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.length > 60 ? `…${url.slice(-60)}` : url;
}
