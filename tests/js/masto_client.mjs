// masto.js (the client library behind Elk and Phanpy) against a running fedcity.
//
//   node masto_client.mjs BASE_URL TOKEN      (or FEDCITY_URL / FEDCITY_TOKEN)
//
// Logs in with the access token, checks who it is, posts a status and finds it on
// the home timeline, then opens the WebSocket streaming API at the URL the instance
// advertises (`configuration.urls.streaming`), subscribes to `user` and waits for
// the `update` event of a status posted after subscribing. Prints one JSON object
// on stdout and exits 0, or prints {"ok": false, …} on stderr and exits 1 (also
// when nothing has happened after FEDCITY_TIMEOUT_MS, 30 s by default).

import { createRestAPIClient, createStreamingAPIClient } from "masto";
import WebSocket from "ws";

const [url = process.env.FEDCITY_URL, accessToken = process.env.FEDCITY_TOKEN] =
  process.argv.slice(2);
const timeoutMs = Number(process.env.FEDCITY_TIMEOUT_MS ?? 30000);
let step = "start";

function fail(error) {
  const message = error?.stack ?? String(error);
  console.error(JSON.stringify({ ok: false, step, error: message }));
  process.exit(1);
}

// masto.js sends `{"type": "subscribe"}` once the socket is open, and Mastodon's
// protocol has no acknowledgement: this WebSocket tells us when the frame is out,
// so the status that must be streamed is posted only after it.
function signallingWebSocket() {
  let resolve;
  const subscribed = new Promise((r) => (resolve = r));
  class SignallingWebSocket extends WebSocket {
    send(data, ...rest) {
      super.send(data, ...rest);
      if (JSON.parse(String(data)).type === "subscribe") resolve();
    }
  }
  return { implementation: SignallingWebSocket, subscribed };
}

async function rest(client) {
  step = "verifyCredentials";
  const me = await client.v1.accounts.verifyCredentials();
  step = "statuses.create";
  const posted = await client.v1.statuses.create({
    status: `Posted from masto.js at ${new Date().toISOString()}`,
    visibility: "public",
  });
  step = "timelines.home.list";
  const home = await client.v1.timelines.home.list({ limit: 20 });
  if (!home.some((s) => s.id === posted.id)) {
    throw new Error(`status ${posted.id} is not on the home timeline`);
  }
  return { me, posted, homeIds: home.map((s) => s.id) };
}

async function stream(client) {
  step = "v2.instance.fetch";
  const instance = await client.v2.instance.fetch();
  const streamingApiUrl = instance.configuration.urls.streaming;
  const { implementation, subscribed } = signallingWebSocket();
  step = "streaming.user.subscribe";
  const streaming = createStreamingAPIClient({
    streamingApiUrl,
    accessToken,
    implementation,
    retry: false,
  });
  const events = streaming.user.subscribe()[Symbol.asyncIterator]();
  const first = events.next(); // connects and sends the subscription
  await subscribed;
  step = "statuses.create (streamed)";
  const streamed = await client.v1.statuses.create({
    status: "Streamed to masto.js",
    visibility: "public",
  });
  step = "waiting for the update event";
  for (let next = first; ; next = events.next()) {
    const { value: event, done } = await next;
    if (done) throw new Error("the stream ended before the update arrived");
    if (event.event === "update" && event.payload.id === streamed.id) {
      await events.return();
      streaming.close();
      return {
        streamingApiUrl,
        stream: event.stream,
        event: event.event,
        id: event.payload.id,
        content: event.payload.content,
      };
    }
  }
}

async function main() {
  if (!url || !accessToken) throw new Error("usage: masto_client.mjs BASE_URL TOKEN");
  const timer = setTimeout(
    () => fail(new Error(`timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  const client = createRestAPIClient({ url, accessToken, timeout: timeoutMs });
  const { me, posted, homeIds } = await rest(client);
  const streamed = await stream(client);
  clearTimeout(timer);
  console.log(
    JSON.stringify({
      ok: true,
      account: { id: me.id, username: me.username, acct: me.acct },
      posted: { id: posted.id, content: posted.content },
      homeIds,
      streamed,
    }),
  );
}

main().then(() => process.exit(0), fail);
