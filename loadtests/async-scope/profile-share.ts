/**
 * The share of a CPU profile's samples that AsyncLocalStorage takes: self time in Node's
 * AsyncLocalStorage and AsyncContextFrame modules plus our scope helpers (request-scope.js), and
 * apart, self time in async hooks (Node's former AsyncLocalStorage, and other bookkeeping). A share within one process does not
 * depend on the machine's load the way CPU per request does, so it holds on a busy machine.
 *
 *   npx tsx loadtests/async-scope/profile-share.ts [--last <seconds>] <file.cpuprofile>...
 *
 * --last counts only the profile's last seconds (the load, not the start-up before it).
 *
 * Take the profiles with `--cpu-prof --cpu-prof-dir=<dir>` (e.g. through the federation
 * benchmark's --before-node-options, with `--require` of a preload that exits on SIGTERM so that
 * the profile is written).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** AsyncLocalStorage itself (both implementations' modules) and our scope helpers. */
const als = /async_local_storage|async_context_frame|request-scope\.js/;
/**
 * Node's async hooks: the former AsyncLocalStorage's promise hooks, but also what every process
 * pays (process.nextTick's and AsyncResource's bookkeeping, undici's requests), ALS or not.
 */
const hooks = /async_hooks/;

function share(file: string, lastSeconds: number) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const at: number[] = [];
  profile.timeDeltas.reduce((time, delta, i) => (at[i] = time + delta), 0);
  const from = lastSeconds > 0 ? (at.at(-1) ?? 0) - lastSeconds * 1e6 : -Infinity;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let total = 0;
  let idle = 0;
  const spent = { als: 0, hooks: 0 };
  const byFunction = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (at[i] < from) return;
    const delta = profile.timeDeltas[i] ?? 0;
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      idle += delta;
      return;
    }
    total += delta;
    const kind = als.test(url) ? 'als' : hooks.test(url) ? 'hooks' : undefined;
    if (!kind) return;
    spent[kind] += delta;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^node:internal\//, '')}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + delta);
  });
  const percent = (us: number) => `${((us / total) * 100).toFixed(2)} %`;
  console.log(
    `${path.basename(file)}: ${(total / 1e6).toFixed(1)} s busy (idle/program ${(idle / 1e6).toFixed(1)} s); ` +
      `AsyncLocalStorage ${percent(spent.als)}, async hooks ${percent(spent.hooks)}, together ${percent(spent.als + spent.hooks)}`,
  );
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${(us / 1e3).toFixed(1).padStart(8)} ms  ${name}`);
}

const lastAt = process.argv.indexOf('--last');
const last = lastAt >= 0 ? Number(process.argv[lastAt + 1]) : 0;
for (const file of process.argv.slice(2).filter((a, i, all) => a !== '--last' && all[i - 1] !== '--last')) share(file, last);
