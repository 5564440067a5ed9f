// Serves the peer on node's own http server:  node server.mjs <database file> <port>
import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { createAuth } from "./auth.mjs";

const [file, port] = process.argv.slice(2);
const baseURL = `http://127.0.0.1:${port}`;
const handler = toNodeHandler(createAuth(file, baseURL));
createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  handler(req, res);
}).listen(Number(port), "127.0.0.1", () => console.log(`peer listening on ${baseURL}`));
