// Home Assistant's own JavaScript client against Roost: node ha_client.mjs http://HOST:PORT TOKEN
// Prints one JSON object per line: what each step returned.
import WebSocket from "ws";
globalThis.WebSocket = WebSocket; // Node 20 has no global WebSocket
const { createConnection, createLongLivedTokenAuth, callService, getConfig, subscribeEntities, ERR_INVALID_AUTH } =
  await import("home-assistant-js-websocket");

const [hassUrl, token] = process.argv.slice(2);
const say = (step, value) => console.log(JSON.stringify({ step, value }));

try {
  await createConnection({ auth: createLongLivedTokenAuth(hassUrl, token + "-wrong") });
  say("wrong_token", "connected");
} catch (err) {
  say("wrong_token", err === ERR_INVALID_AUTH ? "ERR_INVALID_AUTH" : String(err));
}

const conn = await createConnection({ auth: createLongLivedTokenAuth(hassUrl, token) });
say("connected", conn.haVersion);
say("get_config_version", (await getConfig(conn)).version);
const seen = [];
let unsub;
const gotReply = new Promise((resolve) => {
  conn.subscribeEvents((ev) => {
    seen.push(ev.data);
    if (ev.data.done) resolve();
  }, "roost_reply").then((u) => { unsub = u; });
});
await new Promise((r) => setTimeout(r, 50));
say("fire_event", Object.keys(await conn.sendMessagePromise(
  { type: "fire_event", event_type: "roost_reply", event_data: { text: "manual", done: false } })));
const res = await callService(conn, "roost", "send_message", { text: "hello from js" }, undefined, true);
say("send_message", res.response);
await gotReply;
say("events", seen);
try { await callService(conn, "nope", "x"); } catch (e) { say("unknown_service", e); }
try { await conn.sendMessagePromise({ type: "no_such_command" }); } catch (e) { say("unknown_command", e); }
say("conversation", (await conn.sendMessagePromise({ type: "conversation/process", text: "and you?" }))
  .response.speech.plain.speech);
await conn.ping();
say("ping", "pong");
let unsubEntities;
const entities = await new Promise((resolve) => { unsubEntities = subscribeEntities(conn, resolve); });
say("entities", Object.fromEntries(Object.entries(entities).map(([id, e]) => [id, e.state])));
unsubEntities();
await unsub();
conn.close();
process.exit(0); // the entity collection keeps its subscription 5 s after its last subscriber left
