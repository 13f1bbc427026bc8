#!/usr/bin/env node
// The `snrlab` executable: everything lives in cli.ts so that tests and tools can import it.
import { main } from './cli.js';

main().then((code) => {
  process.exitCode = code;
});
