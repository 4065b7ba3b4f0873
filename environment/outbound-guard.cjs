'use strict';
/**
 * The outbound-call guard, loaded into the shop and the gateway with `node --require` when the harness starts them
 * (environment/node-service.ts). Every TCP connection (HTTP, HTTPS, SMTP, Postgres, Kafka, Redis all open one through
 * net.Socket#connect) must go to an address the environment gave the process: E2E_OUTBOUND_ALLOW, `host:port` entries
 * separated by commas, loopback names counting as one host. Any other is refused before a packet leaves (no DNS look-up
 * either): the socket fails with E2E_OUTBOUND_BLOCKED, a line goes to the service's log, and a JSON line to
 * E2E_OUTBOUND_REPORT, which the run reads to fail the test and the run that caused it.
 */
const net = require('node:net');
const { appendFileSync } = require('node:fs');

const service = process.env.E2E_OUTBOUND_SERVICE || 'service';
const report = process.env.E2E_OUTBOUND_REPORT;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;
const hostKey = (host) => (LOOPBACK.test(host) ? 'loopback' : host.replace(/^\[|\]$/g, '').toLowerCase());
const addressKey = (host, port) => `${hostKey(String(host))}:${Number(port)}`;

function parseEntry(entry) {
  const text = entry.trim();
  const colon = text.lastIndexOf(':');
  return colon > 0 ? addressKey(text.slice(0, colon), text.slice(colon + 1)) : undefined;
}

const allowed = new Set(
  (process.env.E2E_OUTBOUND_ALLOW || '')
    .split(',')
    .map(parseEntry)
    .filter(Boolean),
);

/** Adds an address a test gave the process at run time (the gateway's `/_test/accounts` webhook URL). */
globalThis[Symbol.for('event-shop-e2e.outbound.allow')] = (url) => {
  const parsed = new URL(url);
  allowed.add(addressKey(parsed.hostname, parsed.port || (parsed.protocol === 'https:' ? 443 : 80)));
};

/** Where the connection goes, from connect()'s arguments in each of its forms; undefined for a local (IPC) socket. */
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    if (first.path) return undefined;
    return { host: first.host || 'localhost', port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

/** The first frame of the program's own code (else of a library: the HTTP client, the mailer) that asked for the connection. */
function callerOf() {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  const frames = String(stack)
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ''))
    // Frames of a file (`name (file:line:column)`), not Node's own nor this guard's.
    .filter((frame) => /:\d+:\d+\)?$/.test(frame) && !frame.includes('node:') && !frame.includes('outbound-guard.cjs'));
  return frames.find((frame) => !frame.includes('node_modules')) || frames[0] || 'unknown';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const target = targetOf(args);
  if (target === undefined || allowed.has(addressKey(target.host, target.port))) return connect.apply(this, args);
  const caller = callerOf();
  const at = new Date().toISOString();
  console.error(`[outbound-guard] ${service} tried to reach ${target.host}:${target.port} (from ${caller}): refused, not an address the environment gave it`);
  if (report) {
    try {
      appendFileSync(report, `${JSON.stringify({ at, service, host: String(target.host), port: Number(target.port), caller })}\n`);
    } catch (error) {
      console.error(`[outbound-guard] could not write ${report}: ${error.message}`);
    }
  }
  const error = Object.assign(new Error(`connect E2E_OUTBOUND_BLOCKED ${target.host}:${target.port} (the e2e outbound guard)`), { code: 'E2E_OUTBOUND_BLOCKED' });
  process.nextTick(() => this.destroy(error));
  return this;
};
