#!/usr/bin/env node
import { runRoster } from './program.js';

await runRoster(process.argv.slice(2));
