#!/usr/bin/env node
'use strict';
// Container health check (Dockerfile HEALTHCHECK, docker-compose healthcheck).
//
//   node deploy/docker/healthcheck.js            GET /health  (alive)
//   node deploy/docker/healthcheck.js /ready     GET /ready   (database and Redis reachable)
//
// Exits 0 on HTTP 200, 1 otherwise. The slim image has neither curl nor wget, hence Node.
// The port is PORT when set, otherwise the service's default port, found from SERVICE_DIR
// (/app/services/<name>); keep DEFAULT_PORTS in step with packages/config/src/defaults.ts.

const http = require('node:http');
const path = require('node:path');

const DEFAULT_PORTS = { gateway: 4000, user: 4001, business: 4002, queue: 4003, pwa: 4004, workers: 4005 };

const service = path.basename(process.env.SERVICE_DIR || 'gateway');
const port = Number(process.env.PORT) || DEFAULT_PORTS[service];
const route = process.argv[2] || '/health';

if (!port) {
  console.error(`healthcheck: no PORT and no default port for service "${service}"`);
  process.exit(1);
}

const request = http.get({ host: '127.0.0.1', port, path: route, timeout: 2500 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  console.error(`healthcheck: GET http://127.0.0.1:${port}${route}: ${error.message}`);
  process.exit(1);
});
