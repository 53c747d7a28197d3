// Where a sampling heap profile's bytes were allocated: by package, then by function.
//   node bench/lib/heap-summary.mjs bench/results/profiles/members-page-roster.heapprofile [top]
import { readFileSync } from 'node:fs';
import { pkgOf } from './frame-package.mjs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/lib/heap-summary.mjs FILE.heapprofile [top]');
  process.exit(2);
}
const top = Number(topArg) || 25;
const { head } = JSON.parse(readFileSync(file, 'utf8'));

const byPkg = new Map();
const byFn = new Map();
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
let total = 0;
(function walk(node) {
  const size = node.selfSize;
  total += size;
  const pkg = pkgOf(node.callFrame);
  add(byPkg, pkg, size);
  add(byFn, `${node.callFrame.functionName || '(anonymous)'}  ${pkg}:${node.callFrame.lineNumber + 1}`, size);
  for (const child of node.children) walk(child);
})(head);

const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${(v / 1e6).toFixed(1).padStart(9)} MB  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} MB sampled`);
show('allocated by package', byPkg);
show('allocated by function', byFn);
