/** A one-line description of the machine a benchmark ran on. */
import { cpus, tmpdir, totalmem } from 'node:os';

export function machineDescription(): string {
  return (
    `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ` +
    `Node ${process.version}, ${process.platform}-${process.arch}, temp dir on ${tmpdir()}`
  );
}
