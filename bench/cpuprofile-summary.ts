/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time by function + file, self
 * time by file / package, and inclusive (total) time by function, largest first.
 *
 *   npx tsx bench/cpuprofile-summary.ts /tmp/prof/*.cpuprofile [--top 30] [--from S] [--to S]
 *
 * --from / --to keep the samples taken between those seconds after the profile started (a
 * steady phase of a benchmark, without start-up and seeding).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const program = new Command()
  .name('cpuprofile-summary')
  .argument('<files...>', '.cpuprofile files')
  .option('--top <n>', 'rows to print', (text) => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
    return value;
  }, 30)
  .option('--from <s>', 'first second of the profile to count', seconds, 0)
  .option('--to <s>', 'last second of the profile to count', seconds, Number.POSITIVE_INFINITY)
  .parse(process.argv);

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidArgumentError('must be a number of seconds ≥ 0');
  return value;
}

const { top, from, to } = program.opts<{ top: number; from: number; to: number }>();

/** Shortens a file URL to something readable: the package name, or the path inside the project. */
function place(url: string): string {
  if (url === '') return '(native/vm)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
    return `${name}/${rest.slice(rest[0]?.startsWith('@') ? 2 : 1).join('/')}`;
  }
  const project = url.indexOf('/work/main/');
  if (project >= 0) return url.slice(project + '/work/main/'.length);
  return url.replace(/^file:\/\//, '');
}

function packageOf(url: string): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node: core';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const project = url.indexOf('/work/main/');
  if (project >= 0) return url.slice(project + '/work/main/'.length);
  return url;
}

for (const file of program.args) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByNode = new Map<number, number>();
  let total = 0;
  let elapsed = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    elapsed += delta;
    if (elapsed < from * 1e6 || elapsed > to * 1e6) return;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta);
    total += delta;
  });
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const nameOf = (frame: CallFrame): string =>
    `${frame.functionName === '' ? '(anonymous)' : frame.functionName}  ${place(frame.url)}${frame.url === '' ? '' : `:${frame.lineNumber + 1}`}`;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfByNode) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const name = nameOf(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    // Every function on the stack once, however often it recurses.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const callFrame = byId.get(at)?.callFrame;
      if (callFrame !== undefined && callFrame.functionName !== '(root)') onStack.add(nameOf(callFrame));
    }
    for (const onStackName of onStack) inclusive.set(onStackName, (inclusive.get(onStackName) ?? 0) + micros);
    const pkg = frame.url === '' ? frame.functionName : packageOf(frame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  }
  const print = (title: string, map: Map<string, number>): void => {
    console.log(`\n${title}`);
    console.log('   self ms   self %  where');
    for (const [name, micros] of [...map].sort((left, right) => right[1] - left[1]).slice(0, top)) {
      console.log(`${(micros / 1000).toFixed(0).padStart(10)} ${((micros / total) * 100).toFixed(1).padStart(7)}%  ${name}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${profile.samples.length} samples`);
  print('by function (self time)', byFunction);
  print('by file / package (self time)', byPackage);
  print('by function (inclusive time: self + callees)', inclusive);
}
