// A Playwright browser server for remote-browser runs (npm playwright-core, pinned in package.json).
//
//   node scripts/browser-server.mjs [--executable /usr/bin/chromium] [--port 0] [--host 127.0.0.1]
//
// Prints one JSON line {"wsEndpoint": "ws://127.0.0.1:PORT/..."} and serves until stopped (SIGTERM,
// SIGINT or its standard input closing). Point the suite at it with DESKCHECK_BROWSER_WS=<wsEndpoint>:
// every pytest-xdist worker then connects to this server instead of launching a browser.
import { chromium } from 'playwright-core';

const FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-gpu']; // the offline flags of fixtures/browser.py

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const executablePath = option('executable', process.env.DESKCHECK_CHROMIUM || '/usr/bin/chromium');
const server = await chromium.launchServer({
  executablePath,
  headless: true,
  host: option('host', '127.0.0.1'),
  port: Number(option('port', '0')),
  args: FLAGS,
});
console.log(JSON.stringify({ wsEndpoint: server.wsEndpoint(), executablePath }));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
