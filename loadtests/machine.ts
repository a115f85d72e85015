/**
 * How quiet the machine was while a benchmark ran. Every benchmark in loadtests/ wraps each
 * measured round in `watchMachine()` and stores its verdict with the figures, so a figure taken
 * on a busy machine is marked (and the RESULTS files only quote quiet rounds).
 *
 * Two readings, sampled every second from /proc:
 * - the 1-minute load average (it counts the benchmark's own processes too, so it is context);
 * - the CPU spent by processes outside the benchmark, in cores: all busy CPU time (/proc/stat)
 *   minus that of the benchmark's process tree (this process and every descendant: the services
 *   it started) and of the servers it drives (PostgreSQL and Redis). That is the figure that
 *   decides: someone else's test suite or build shows in it whatever the benchmark itself does.
 *   (Another client of the same PostgreSQL or Redis is counted as the benchmark's: the
 *   servers' processes cannot be split by client.)
 * A round is busy when the outside CPU averaged more than `busyOutsideCores` (default 0.2, a
 * fifth of a core) or peaked above 1 core for a second.
 *
 * A third reading, not part of the verdict: how fast the host runs, timed as a fixed piece of
 * JavaScript work at the start and at the end of the watch (`probeMs`). A shared host can run
 * at half its speed with nothing more to see in /proc: on 3 December the same build spent
 * twice the CPU per request in the afternoon as in the morning, with no process outside the
 * benchmark and 1.5 % steal. Absolute figures from runs whose probes differ are not comparable;
 * side-by-side ratios within a run still are.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { readProcesses, type ProcessTicks } from './processes';

/** Processes that serve the benchmark rather than compete with it. */
const SERVERS = new Set(['postgres', 'redis-server']);
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface MachineLoad {
  cores: number;
  seconds: number;
  /** 1-minute load average: at the start, at the end, and the highest seen. */
  load1: { start: number; end: number; max: number };
  /** CPU of processes outside the benchmark, in cores. */
  outsideCores: { mean: number; max: number };
  /** Milliseconds the speed probe took at the start and at the end (lower is faster). */
  probeMs: { start: number; end: number };
  busy: boolean;
}

/**
 * A fixed piece of work of the kind the services do (objects built, serialized to JSON and
 * parsed back), timed after one untimed pass (so that it measures compiled code, not the
 * compiler).
 */
export function speedProbeMs(): number {
  probeWork();
  const started = performance.now();
  probeWork();
  return Math.round((performance.now() - started) * 10) / 10;
}

function probeWork(): void {
  let size = 0;
  for (let round = 0; round < 20; round++) {
    const items = Array.from({ length: 500 }, (_, i) => ({ id: `item-${round}-${i}`, position: i, tags: ['a', 'b', String(i)], at: i * 1_000 }));
    size += (JSON.parse(JSON.stringify(items)) as unknown[]).length;
  }
  if (size !== 10_000) throw new Error('the speed probe lost items');
}

/** Busy ticks of all CPUs together (user, nice, system, irq, softirq, steal). */
function busyTicks(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** Ticks of the benchmark: this process, its descendants, and the servers it drives. */
function insideTicks(processes: ProcessTicks[]): Map<number, number> {
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const tree = new Set<number>();
  const pending = [process.pid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    if (tree.has(pid)) continue;
    tree.add(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  const inside = new Map<number, number>();
  for (const p of processes) if (tree.has(p.pid) || SERVERS.has(p.name)) inside.set(p.pid, p.ticks);
  return inside;
}

export interface MachineWatch {
  /** Stops sampling and gives the verdict over the watched span. */
  stop(): MachineLoad;
}

export function watchMachine(options: { busyOutsideCores?: number; intervalMs?: number } = {}): MachineWatch {
  const busyOutsideCores = options.busyOutsideCores ?? 0.2;
  const cores = os.cpus().length;
  const probeAtStart = speedProbeMs();
  const started = performance.now();
  const load1 = { start: os.loadavg()[0], end: 0, max: os.loadavg()[0] };
  const outside: number[] = [];
  let last = { at: started, busy: busyTicks(), inside: insideTicks(readProcesses()) };

  const sample = () => {
    const at = performance.now();
    const busy = busyTicks();
    const inside = insideTicks(readProcesses());
    // A process that started in between used all its ticks in between. One that ended was
    // reaped by its parent (the benchmark's processes, PostgreSQL's postmaster for a closed
    // connection's backend), whose children's ticks now hold its whole life: what it was
    // counted for before is taken back once. Without this, each closed database connection
    // or ended child showed as CPU used outside.
    let insideDelta = 0;
    for (const [pid, ticks] of inside) insideDelta += ticks - (last.inside.get(pid) ?? 0);
    for (const [pid, ticks] of last.inside) if (!inside.has(pid)) insideDelta -= ticks;
    insideDelta = Math.max(0, insideDelta);
    const seconds = (at - last.at) / 1_000;
    // Ticks are 10 ms per CPU: over a span much shorter than a second (the last one, when the
    // watch stops just after a sample) a few ticks read as cores; it is left out.
    if (seconds < 0.5) return;
    outside.push(Math.max(0, busy - last.busy - insideDelta) / TICKS_PER_SECOND / seconds);
    load1.max = Math.max(load1.max, os.loadavg()[0]);
    last = { at, busy, inside };
  };
  const timer = setInterval(sample, options.intervalMs ?? 1_000);
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
      sample();
      load1.end = os.loadavg()[0];
      const mean = outside.length > 0 ? outside.reduce((a, b) => a + b, 0) / outside.length : 0;
      const max = Math.max(0, ...outside);
      const round = (value: number) => Math.round(value * 100) / 100;
      return {
        cores,
        seconds: round((performance.now() - started) / 1_000),
        load1: { start: round(load1.start), end: round(load1.end), max: round(load1.max) },
        outsideCores: { mean: round(mean), max: round(max) },
        probeMs: { start: probeAtStart, end: speedProbeMs() },
        busy: mean > busyOutsideCores || max > 1,
      };
    },
  };
}

/** Runs `fn` watched: its result with the machine's load beside it. */
export async function watched<T>(fn: () => Promise<T>, options?: Parameters<typeof watchMachine>[0]): Promise<{ result: T; machine: MachineLoad }> {
  const watch = watchMachine(options);
  try {
    const result = await fn();
    return { result, machine: watch.stop() };
  } catch (error) {
    watch.stop();
    throw error;
  }
}

/** One line for a benchmark's console: "load 0.4→0.6 (max 0.7), outside 0.03 cores (max 0.1), probe 5.2→5.4 ms" plus BUSY. */
export function describeMachine(machine: MachineLoad): string {
  const { load1, outsideCores, probeMs } = machine;
  return `load ${load1.start}→${load1.end} (max ${load1.max}), outside ${outsideCores.mean} cores (max ${outsideCores.max}), probe ${probeMs.start}→${probeMs.end} ms${machine.busy ? ' BUSY: figure not to be quoted' : ''}`;
}

/** The quiet rounds of a benchmark's samples, or all of them when none was quiet (then the figures are marked by `label`). */
export function quietRounds<T extends { machine: MachineLoad }>(all: readonly T[]): { used: readonly T[]; label: string } {
  const quiet = all.filter((sample) => !sample.machine.busy);
  return { used: quiet.length > 0 ? quiet : all, label: `${quiet.length}/${all.length} quiet` };
}
