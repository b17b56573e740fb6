/** `npm start`: one Plaza process on embedded defaults (see README and .env.example). */
import { configFromEnv } from "./config.ts";

const config = configFromEnv();
// CL3: how long a process waits for another to answer before counting it dead (Colyseus reads this
// once, when it loads: so before importing it). Colyseus's 2 s cost two waits per failover (seat
// reservation, then the health check); 1.5 s, with the client's 0.7 s detection, brings recovery
// after a SIGKILL to ~4.5 s. A process whose event loop stalls longer than this is treated as gone
// (1 s did that to loaded test processes: two rooms for one space); placement avoids busy ones (CL2).
process.env.COLYSEUS_PRESENCE_SHORT_TIMEOUT ??= String(config.CLUSTER_IPC_TIMEOUT_MS);
const { startPlaza } = await import("./app.ts");
const { logger } = await import("./log.ts");

startPlaza({ ...config, handleSignals: true }).then(
  (p) => logger.info(`Plaza is open: ${p.url.replace("127.0.0.1", "localhost")}`),
  (err) => {
    logger.error({ err }, "failed to start");
    process.exit(1);
  },
);
