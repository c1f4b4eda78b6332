/**
 * Docker HEALTHCHECK (deploy/Dockerfile): GET /health on this container's gateway.
 * A process whose SERVICES leave out the gateway (the delivery node) serves no HTTP: it counts
 * as healthy while it runs (it exits on a fatal error, and the restart policy takes over).
 */
const services = (process.env.SERVICES || "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
if (services.length > 0 && !services.includes("gateway")) process.exit(0);
const port = process.env.PORT || "3000";
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
