// Where the CPU time of a .cpuprofile goes: self time by package, inclusive time by package
// (a package counts once per sample if any of its frames is on the stack), self time by function.
//   node bench/lib/profile-summary.mjs bench/results/profiles/members-page-roster.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { pkgOf } from './frame-package.mjs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/lib/profile-summary.mjs FILE.cpuprofile [top]');
  process.exit(2);
}
const top = Number(topArg) || 25;
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfPkg = new Map();
const inclPkg = new Map();
const selfFn = new Map();
const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
let total = 0;
let idle = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i];
  const d = prof.timeDeltas[i] ?? 0;
  const frame = byId.get(id).callFrame;
  if (frame.functionName === '(idle)') {
    idle += d;
    continue;
  }
  total += d;
  add(selfPkg, pkgOf(frame), d);
  add(selfFn, `${frame.functionName || '(anonymous)'}  ${pkgOf(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`, d);
  const seen = new Set();
  for (let x = id; x !== undefined; x = parent.get(x)) {
    const p = pkgOf(byId.get(x).callFrame);
    if (!seen.has(p)) {
      seen.add(p);
      add(inclPkg, p, d);
    }
  }
}
const show = (title, m) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(v / 1000).toFixed(0).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
show('self time by package', selfPkg);
show('inclusive time by package', inclPkg);
show('self time by function', selfFn);
