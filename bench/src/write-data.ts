// Writes the load benchmarks' input files for the given sizes (default 1000 10000).
// Usage: node bench/src/write-data.ts [n ...]
import { writeDataFiles } from './data-files.ts';

const sizes = process.argv.slice(2).map(Number);
writeDataFiles(sizes.length > 0 ? sizes : [1000, 10_000]);
