#!/usr/bin/env node
// Entry point for `npx wardpost` / the package "bin": runs the compiled CLI.
import '../dist/src/cli/main.js';
