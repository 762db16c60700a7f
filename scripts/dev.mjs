// `npm run dev`: the player with hot reload on http://localhost:5173/play. The sandbox's classic
// scripts are rebuilt on change by two `vite build --watch` processes; the dev server serves them.
import { spawn } from 'node:child_process';

const vite = (args) => spawn(process.execPath, ['node_modules/vite/bin/vite.js', ...args], { stdio: 'inherit' });
const children = [
  vite(['build', '-c', 'vite.sandbox.config.ts', '--mode', 'frame', '--watch']),
  vite(['build', '-c', 'vite.sandbox.config.ts', '--mode', 'renderer', '--watch']),
  vite([]),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && stop());
