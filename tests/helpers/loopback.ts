import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Starts a stand-in server on loopback: its base URL (`/v1` appended, as OpenAI-compatible clients expect) and a
 * close that also ends the responses a test left hanging.
 */
export async function listenOnLoopback(server: Server, hanging: readonly ServerResponse[]) {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    async close() {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
