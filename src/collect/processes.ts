import { close, open, read } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { AbortedError } from '../common/index.js';
import { CollectError, type Collector } from './types.js';
import { procFile, type HostPaths } from './paths.js';
import { errorCode, errorMessage, readText } from './read.js';

/** The two fields of /proc/PID/stat (or /proc/PID/task/TID/stat) the processes collector uses. */
export interface TaskStat {
  /** Field 3: one letter of the kernel's task_state_array (R S D T t X Z P I; older kernels W K x...). */
  readonly state: string;
  /** Field 20, `num_threads` (meaningful in a process' stat; a thread's repeats its process'). */
  readonly numThreads: number;
}

const DIGITS_RE = /^\d+$/;
const PID_PREFIX_RE = /^\s*\d+\s*$/;
const STATE_RE = /^[A-Za-z]$/;

/**
 * Parses /proc/PID/stat: `pid (comm) state ppid ... num_threads ...`. `comm` is chosen by the
 * program (prctl, exec name: up to 15 bytes of anything but NUL, so spaces, parentheses and
 * newlines), hence it spans from the first `(` to the LAST `)` and the numeric fields follow the
 * latter. Undefined when garbled: no `(...)`, no pid before it, a state that is not one letter or
 * fewer than 18 fields after `)`, or a num_threads that is not a decimal integer. Pure, never throws.
 */
export function parseTaskStat(text: string): TaskStat | undefined {
  const l = text.indexOf('(');
  const r = text.lastIndexOf(')');
  if (l < 0 || r < l || !PID_PREFIX_RE.test(text.slice(0, l))) return undefined;
  const f = text.slice(r + 1).trim().split(/\s+/);
  const state = f[0]!;
  const threads = f[17];
  if (!STATE_RE.test(state) || threads === undefined || !DIGITS_RE.test(threads)) return undefined;
  const numThreads = Number(threads);
  return Number.isSafeInteger(numThreads) ? { state, numThreads } : undefined;
}

/** A /proc/sys/kernel limit (`pid_max`, `threads-max`): one decimal integer; undefined otherwise. Pure. */
export function parseKernelCount(text: string): number | undefined {
  const t = text.trim();
  if (!DIGITS_RE.test(t)) return undefined;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * Reads a small /proc file with open + read + close into `buf.b` (replaced by a larger buffer when
 * the file fills it). A read that does not fill the buffer is taken as the end of the file: a
 * /proc/PID/stat is a single-record seq_file, produced whole by its first read (a regular file, in
 * the tests, is read to its end the same way). One such file per task is read per collection, and
 * fs.promises.readFile costs about twice as much (an fstat, a 64 KiB buffer, a second read to see
 * EOF, promise plumbing: 100-270 against 50-120 us a file in a micro-benchmark on a loaded 2-CPU
 * machine, Node 20). Rejects with the fs error (its `code` kept).
 */
function readSmall(path: string, buf: { b: Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => {
      if (err !== null) return reject(err);
      let len = 0;
      const done = (e: NodeJS.ErrnoException | null): void => close(fd, () => (e === null ? resolve(buf.b.toString('utf8', 0, len)) : reject(e)));
      const more = (): void =>
        read(fd, buf.b, len, buf.b.length - len, null, (e, n) => {
          if (e !== null) return done(e);
          len += n;
          if (len < buf.b.length) return done(null);
          const bigger = Buffer.allocUnsafe(buf.b.length * 2);
          buf.b.copy(bigger, 0, 0, len);
          buf.b = bigger;
          more();
        });
      more();
    });
  });
}

/** What one walk of /proc found. */
interface Counts {
  pids: number;
  threads: number;
  readonly states: Map<string, number>;
  readonly threadStates: Map<string, number>;
  /** Stat files read but not parsed, or unreadable for another reason than the task exiting (count, first one). */
  bad: number;
  firstBad?: string;
}

/** A task that exited between readdir and read: ENOENT at open, ESRCH at read (proc_single_show). */
function vanished(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ESRCH';
}

/** Stat files read at the same time: enough to hide the latency of libuv's pool, few enough to leave it room for the other collectors (statfs). */
const CONCURRENCY = 4;

/**
 * Counts every process and thread under /proc as node_exporter's `processes` collector does: a
 * process is a numeric entry of /proc whose stat parses; its state and num_threads are added up;
 * each thread of /proc/PID/task adds its own state (the main thread counts its process' state
 * without a second read). A process whose num_threads is 1 has only its main thread, so its task
 * directory is not listed (node_exporter lists it; the result differs only for a thread created
 * in between). Tasks that exit meanwhile are skipped silently.
 */
async function walk(paths: HostPaths, signal: AbortSignal): Promise<Counts> {
  const c: Counts = { pids: 0, threads: 0, states: new Map(), threadStates: new Map(), bad: 0 };
  const bad = (what: string): void => {
    if (c.bad++ === 0) c.firstBad = what;
  };
  const inc = (m: Map<string, number>, k: string): void => {
    m.set(k, (m.get(k) ?? 0) + 1);
  };
  const checkAbort = (): void => {
    if (signal.aborted) throw new AbortedError('collection aborted', { cause: signal.reason });
  };
  /** The stat of one task; undefined when it exited or is bad (then recorded). */
  const readStat = async (path: string, buf: { b: Buffer }): Promise<TaskStat | undefined> => {
    let text: string;
    try {
      text = await readSmall(path, buf);
    } catch (err) {
      checkAbort();
      if (!vanished(err)) bad(`cannot read ${path}: ${errorMessage(err)}`);
      return undefined;
    }
    checkAbort();
    const st = parseTaskStat(text);
    if (st === undefined) bad(`malformed ${path}: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}`);
    return st;
  };
  /** Numeric entries of a directory; undefined when it vanished (or is bad, then recorded). */
  const listIds = async (dir: string, mustExist: boolean): Promise<string[] | undefined> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (mustExist) throw new CollectError('processes', `cannot list ${dir}: ${errorMessage(err)}`, { cause: err });
      if (!vanished(err)) bad(`cannot list ${dir}: ${errorMessage(err)}`);
      return undefined;
    }
    checkAbort();
    return names.filter((n) => DIGITS_RE.test(n));
  };

  /** A job reads with its worker's buffer. */
  const jobs: ((buf: { b: Buffer }) => Promise<void>)[] = [];
  const thread = (pid: string, tid: string) => async (buf: { b: Buffer }): Promise<void> => {
    const st = await readStat(procFile(paths, pid, 'task', tid, 'stat'), buf);
    if (st !== undefined) inc(c.threadStates, st.state);
  };
  const proc = (pid: string) => async (buf: { b: Buffer }): Promise<void> => {
    const st = await readStat(procFile(paths, pid, 'stat'), buf);
    if (st === undefined) return;
    c.pids++;
    c.threads += st.numThreads;
    inc(c.states, st.state);
    if (st.numThreads === 1) {
      inc(c.threadStates, st.state);
      return;
    }
    for (const tid of (await listIds(procFile(paths, pid, 'task'), false)) ?? []) {
      if (tid === pid) inc(c.threadStates, st.state);
      else jobs.push(thread(pid, tid));
    }
  };
  for (const pid of (await listIds(paths.proc, true))!) jobs.push(proc(pid));
  // Workers take jobs in order; a process' job appends its threads' jobs to the same queue.
  let next = 0;
  const worker = async (): Promise<void> => {
    const buf = { b: Buffer.allocUnsafe(4096) };
    while (next < jobs.length) {
      checkAbort();
      await jobs[next++]!(buf);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return c;
}

/** A /proc/sys/kernel limit, or the error that prevented reading it. Never rejects. */
async function readLimit(paths: HostPaths, file: string, signal: AbortSignal): Promise<number | CollectError> {
  const path = procFile(paths, 'sys', 'kernel', file);
  try {
    const text = await readText('processes', path, signal);
    return parseKernelCount(text) ?? new CollectError('processes', `malformed ${path}: ${JSON.stringify(text.slice(0, 80))}`);
  } catch (err) {
    return err instanceof CollectError ? err : new CollectError('processes', `cannot read ${path}: ${errorMessage(err)}`, { cause: err }); // readText throws CollectError
  }
}

const sorted = (m: ReadonlyMap<string, number>): [string, number][] => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * node_exporter's `processes` (gauges): `node_processes_pids`, `node_processes_threads` (sum of
 * num_threads), `node_processes_state{state}` and `node_processes_threads_state{thread_state}`
 * (only the states seen, as node_exporter), `node_processes_max_processes` (/proc/sys/kernel/pid_max),
 * `node_processes_max_threads` (/proc/sys/kernel/threads-max). Reads one stat file per process and
 * one per extra thread. A stat file that is unreadable (other than the task exiting) or garbled
 * fails the collector after the counts of the others are emitted (node_exporter emits nothing then).
 */
export function processesCollector(paths: HostPaths): Collector {
  return {
    name: 'processes',
    async collect(emit, signal) {
      const limits = Promise.all([readLimit(paths, 'pid_max', signal), readLimit(paths, 'threads-max', signal)]);
      let counts: Counts | undefined;
      let failure: Error | undefined;
      try {
        counts = await walk(paths, signal);
      } catch (err) {
        failure = err instanceof Error ? err : new CollectError('processes', String(err));
      }
      const [pidMax, threadsMax] = await limits;
      if (failure instanceof AbortedError) throw failure;
      const gauge = (name: string, value: number, help: string, labels: [string, string][] = []): void => emit({ name, labels, value, type: 'gauge', help });
      if (counts !== undefined) {
        gauge('node_processes_pids', counts.pids, 'Number of PIDs');
        gauge('node_processes_threads', counts.threads, 'Allocated threads in system');
        for (const [s, n] of sorted(counts.states)) gauge('node_processes_state', n, 'Number of processes in each state.', [['state', s]]);
        for (const [s, n] of sorted(counts.threadStates)) gauge('node_processes_threads_state', n, 'Number of threads in each state.', [['thread_state', s]]);
      }
      if (typeof pidMax === 'number') gauge('node_processes_max_processes', pidMax, 'Number of max PIDs limit');
      if (typeof threadsMax === 'number') gauge('node_processes_max_threads', threadsMax, 'Limit of threads in the system');
      if (failure !== undefined) throw failure;
      if (counts !== undefined && counts.bad > 0) throw new CollectError('processes', `${counts.bad} task file(s) unreadable or malformed, first: ${counts.firstBad!}`);
      if (typeof pidMax !== 'number') throw pidMax;
      if (typeof threadsMax !== 'number') throw threadsMax;
    },
  };
}
