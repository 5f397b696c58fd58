// Issue 5's "also record": start-up time to ready and resident memory idle and under load, for each
// app and for the peer. Every run starts fresh processes, so start-up is measured once per run:
// spawn → first 200 from discovery (the token service and oidc-provider) or from /health/ready (the
// login UI, started after its token service). Memory is VmRSS from /proc/<pid>/status: idle one
// second after ready, and the highest value sampled every 100 ms during a short load (client_credentials
// for the token service and the peer, sign-ins for the login UI).
import { load } from '../lib/load.mjs';
import { startPeer } from '../lib/peer.mjs';
import { startProvider } from '../lib/provider.mjs';
import { discover, registerPartner, signInLoad } from '../lib/sign-in.mjs';
import { CLIENT_CREDENTIALS_BODY, clientCredentialsTarget, tokenHeaders } from '../lib/targets.mjs';

const LOAD_SECONDS = 2;
const IDLE_MS = 1_000;
const SIGN_INS_IN_FLIGHT = 8;

export default {
  id: 9,
  name: 'footprint',
  title: 'Start-up time and resident memory, idle and under load',
  description:
    'Fresh processes every run (built apps, SQLite, NODE_ENV=production). Start-up: spawn to the first 200 from discovery (token service, ' +
    'oidc-provider) or /health/ready (login UI, which needs its token service up first). Idle: VmRSS one second after ready. Under load: the ' +
    `highest VmRSS sampled every 100 ms during ${LOAD_SECONDS} s of client_credentials (autocannon, 50 connections; token service and oidc-provider) ` +
    `or of ${SIGN_INS_IN_FLIGHT} sign-ins at a time (login UI).`,
  metrics: {
    tokenServiceStartupMs: { label: 'token service start-up to ready', unit: 'ms' },
    loginUiStartupMs: { label: 'login UI start-up to ready', unit: 'ms' },
    peerStartupMs: { label: 'oidc-provider start-up to ready', unit: 'ms' },
    tokenServiceIdleMiB: { label: 'token service idle', unit: 'MiB' },
    tokenServiceLoadMiB: { label: 'token service under load (peak)', unit: 'MiB' },
    loginUiIdleMiB: { label: 'login UI idle', unit: 'MiB' },
    loginUiLoadMiB: { label: 'login UI under sign-in load (peak)', unit: 'MiB' },
    peerIdleMiB: { label: 'oidc-provider idle', unit: 'MiB' },
    peerLoadMiB: { label: 'oidc-provider under load (peak)', unit: 'MiB' },
  },
  targets: [],

  async run() {
    const metrics = {};
    const provider = await startProvider();
    try {
      metrics.tokenServiceStartupMs = provider.tokenService.startupMs;
      metrics.loginUiStartupMs = provider.loginUiStartupMs;
      await sleep(IDLE_MS);
      metrics.tokenServiceIdleMiB = provider.tokenService.process.rssMiB();
      metrics.loginUiIdleMiB = provider.loginUi.rssMiB();
      const target = await clientCredentialsTarget(provider.tokenService);
      metrics.tokenServiceLoadMiB = await peakDuring(provider.tokenService.process, () => load(target.url, {
        durationSeconds: LOAD_SECONDS, warmupSeconds: 0, method: 'POST', headers: target.headers, body: CLIENT_CREDENTIALS_BODY,
      }));
      const client = await registerPartner(provider.tokenService);
      const endpoints = await discover(provider.issuer);
      metrics.loginUiLoadMiB = await peakDuring(provider.loginUi, () => signInLoad({ provider, client, endpoints }, {
        inFlight: SIGN_INS_IN_FLIGHT, durationMs: LOAD_SECONDS * 1000, warmupMs: 0,
      }));
    } finally {
      await provider.stop();
    }
    const peer = await startPeer();
    try {
      metrics.peerStartupMs = peer.startupMs;
      await sleep(IDLE_MS);
      metrics.peerIdleMiB = peer.process.rssMiB();
      metrics.peerLoadMiB = await peakDuring(peer.process, () => load(peer.discovery.token_endpoint, {
        durationSeconds: LOAD_SECONDS, warmupSeconds: 0, method: 'POST', headers: tokenHeaders(peer.client), body: CLIENT_CREDENTIALS_BODY,
      }));
    } finally {
      await peer.stop();
    }
    return { metrics };
  },
};

/** The highest VmRSS of `processHandle` while `work` runs. */
async function peakDuring(processHandle, work) {
  let peak = processHandle.rssMiB() ?? 0;
  const timer = setInterval(() => { peak = Math.max(peak, processHandle.rssMiB() ?? 0); }, 100);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, processHandle.rssMiB() ?? 0);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
