// V8 doubles its young generation each time enough objects survive a collection, up to its
// maximum, and keeps it that size for the rest of a short-lived process: reading 10,000
// migrations grows it to the maximum, and applying them then peaked at 116-124 MB resident
// while the live heap stayed near 25 MB. Held at its first size, the same apply peaks at 83 MB
// (docs/benchmarks.md, "memory"). The maximum can only be set on node's command line, but V8
// reads this factor whenever it would grow, so it can be set here. It costs a few per cent of a
// short command's time if set before start-up (more collections of what start-up allocates), so
// it is set as a command that reads a whole history and its version table starts (up, down,
// status), where it cost nothing measurable.
import { setFlagsFromString } from 'node:v8';

export function holdYoungGeneration(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
