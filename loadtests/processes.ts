/**
 * What a benchmark reads of the service processes it started, from /proc (Linux): their CPU
 * time, their resident memory and the TCP connections they hold (so that a PostgreSQL backend
 * or a Redis client, seen from the server by its client port, can be told to its service).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may hold spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** A process as /proc/<pid>/stat tells it. */
export interface ProcessTicks {
  pid: number;
  ppid: number;
  name: string;
  /** Its own CPU ticks and those of its children that ended (reaped). */
  ticks: number;
}

/** Every process on the machine, from /proc/<pid>/stat. */
export function readProcesses(): ProcessTicks[] {
  const processes: ProcessTicks[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces, so split after ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    processes.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      name: stat.slice(stat.indexOf('(') + 1, close),
      // utime + stime, plus cutime + cstime: what its children used once they ended and it reaped them.
      ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    });
  }
  return processes;
}

/**
 * CPU seconds of every process with this command name (`postgres`, `redis-server`), those that
 * ended included (their ticks are their parent's cutime + cstime once reaped), so a PostgreSQL
 * backend that exited between two readings is still counted through its postmaster.
 * Differences of two readings are the servers' CPU in between.
 */
export function cpuSecondsOfCommand(name: string): number {
  return readProcesses().reduce((ticks, process) => (process.name === name ? ticks + process.ticks : ticks), 0) / ticksPerSecond;
}

/** Resident memory of a process, in bytes. */
export function residentBytes(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** Local TCP ports of the sockets each process holds open: port -> pid. */
export function localPorts(pids: readonly number[]): Map<number, number> {
  const inodeOwner = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // exited
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodeOwner.set(match[1], pid);
      } catch {
        // closed since the listing
      }
    }
  }
  const ports = new Map<number, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const owner = inodeOwner.get(fields[9]);
      if (owner !== undefined) ports.set(parseInt(fields[1].split(':')[1], 16), owner);
    }
  }
  return ports;
}
