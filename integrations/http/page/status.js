// Roost's status page: logs in with an access token (kept in this tab's sessionStorage), shows the status
// Roost sends on /api/status/stream whenever something happened, and sends the owner's actions. Text is set
// with textContent only.
"use strict";

const KEY = "roost-token";
const RETRY_MS = 2000;
let timer = null;
let stream = null; // the AbortController of the open stream
let admin = false; // whether the token may act (the latest status said)

const $ = (id) => document.getElementById(id);

function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "";
}

function size(bytes) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i += 1; }
  return `${bytes.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  if (className) td.className = className;
  return td;
}

function button(label, attribute, value, action) {
  const b = document.createElement("button");
  b.textContent = label;
  b.setAttribute(attribute, value);
  b.addEventListener("click", () => act(action, b));
  return b;
}

function fill(tableId, rows, empty) {
  const body = $(tableId).querySelector("tbody");
  body.replaceChildren(...rows);
  if (!rows.length && empty) {
    const tr = document.createElement("tr");
    const td = cell(empty, "muted");
    td.colSpan = 9;
    tr.append(td);
    body.append(tr);
  }
}

function row(cells, attributes = {}) {
  const tr = document.createElement("tr");
  for (const [name, value] of Object.entries(attributes)) tr.setAttribute(name, value);
  tr.append(...cells);
  return tr;
}

function pairs(tableId, object, format = (v) => v) {
  fill(tableId, Object.entries(object).map(([k, v]) => row([cell(k), cell(format(v))])), "nothing");
}

function render(data) {
  $("name").textContent = data.name;
  $("state").textContent = data.state;
  $("mode").textContent = data.admin ? "" : "read-only (this token has no admin scope)";
  $("reload").hidden = !data.admin;
  admin = data.admin;
  $("chat-link").hidden = !data.channels.some((c) => c.platform === "websocket_chat"); // websocket_api serves it
  document.title = `${data.name}: ${data.state}`;
  $("problem").textContent = data.configuration_errors.join("\n");
  fill("channels", data.channels.map((c) => row([
    cell(c.platform),
    cell(c.online ? "online" : "offline", `state ${c.online ? "online" : "offline"}`),
    cell(c.last_error ? `${when(c.last_error.at)}: ${c.last_error.text}` : "", "text"),
  ], { "data-platform": c.platform })), "no channels");
  $("models").replaceChildren(...(data.models.length ? data.models : [{ name: "none", loaded: null }]).map((m) => {
    const li = document.createElement("li");
    li.textContent = m.loaded === null ? m.name : `${m.name}: ${m.loaded ? "loaded" : "not loaded"}`;
    li.setAttribute("data-model", m.name);
    return li;
  }));
  pairs("tasks", data.tasks);
  pairs("outbox", data.outbox);
  const prune = data.last_prune;
  const disk = data.store.disk;
  pairs("store", {
    database: size(data.store.database), "write-ahead log": size(data.store.wal),
    "free on its disk": disk.free_bytes === null ? "unknown" : size(disk.free_bytes) + (disk.low ? " (low on space)" : ""),
    "last prune": prune ? when(prune.at) : "not yet",
    ...(data.backups.length ? Object.fromEntries(data.backups.map((b) => [
      `backup (${b.automation})`,
      b.newest ? `${when(b.newest.at)}, ${size(b.newest.bytes)}, ${b.count} kept` : "none yet",
    ])) : { backups: "none scheduled" }),
  });
  const k = data.knowledge;
  $("knowledge-documents").hidden = !k;
  $("add-document").hidden = !data.admin;
  const knowledge = !k ? { knowledge: "not configured" } : k.indexed === null ? { index: "being built" } : {
    documents: k.documents, passages: k.passages, "last indexed": when(k.indexed),
  };
  fill("knowledge", [
    ...Object.entries(knowledge).map(([key, value]) => row([cell(key), cell(value)])),
    ...(k && k.not_indexed ? k.not_indexed : []).map((why) => row([cell("not indexed"), cell(why, "text error")])),
    ...(k && k.not_read && k.not_read.length ? [row([cell("not read"),
      cell(`${k.not_read.join(", ")}: kinds of file Roost does not read`, "text muted")])] : []),
  ]);
  $("dead-total").textContent = `(${data.dead_letters.total})`;
  fill("dead", data.dead_letters.latest.map((d) => {
    const actions = document.createElement("td");
    if (data.admin) {
      actions.append(button("Retry", "data-retry", d.id, `/api/dead_letters/${d.id}/retry`),
        " ", button("Discard", "data-discard", d.id, `/api/dead_letters/${d.id}/discard`));
    }
    return row([cell(d.id), cell(d.kind || d.source), cell(d.chat), cell(d.reason, "text"),
      cell(d.attempts), cell(when(d.created)), actions], { "data-letter": d.id });
  }), "none");
  fill("pairing", data.pairing.map((p) => {
    const actions = document.createElement("td");
    if (data.admin) {
      actions.append(button("Approve", "data-approve", p.code, `/api/pairing/${p.code}/approve`),
        " ", button("Deny", "data-deny", p.code, `/api/pairing/${p.code}/deny`));
    }
    return row([cell(p.code), cell(p.platform), cell(p.user), cell(when(p.created)), actions],
      { "data-code": p.code });
  }), "none waiting");
  fill("traces", data.traces.map((t) => row([
    cell(when(t.started)), cell(t.automation), cell(t.status), cell(t.platform), cell(t.text, "text"),
    cell(t.error, "text error"),
  ])), "no runs yet");
  $("updated").textContent = new Date().toLocaleTimeString();
}

function showLogin(message) {
  stopWatching();
  $("status").hidden = true;
  $("logout").hidden = true;
  $("reload").hidden = true;
  $("said").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message || "";
}

function show(body) {
  $("login").hidden = true;
  $("status").hidden = false;
  $("logout").hidden = false;
  render(body);
}

function stopWatching() {
  clearTimeout(timer);
  if (stream) stream.abort();
  stream = null;
}

function authorization() {
  return { Authorization: `Bearer ${sessionStorage.getItem(KEY)}` };
}

async function answerOf(response) {
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { status: response.status, body };
}

// An answer that is not the status: the login again for a token that does not work, else the problem shown.
function refused(answer) {
  if (answer.status === 401 || answer.status === 403) {
    if (answer.status === 401) sessionStorage.removeItem(KEY);
    showLogin(answer.body ? answer.body.error : "");
    return true;
  }
  $("problem").textContent = (answer.body && answer.body.error) || `status ${answer.status}`;
  return false;
}

function retryLater(why) {
  $("problem").textContent = `Roost does not answer (${why}); trying again.`;
  timer = setTimeout(watch, RETRY_MS);
}

// Server-sent events read from fetch (EventSource cannot send the Authorization header): each is the status.
async function watch() {
  stopWatching();
  const controller = new AbortController();
  stream = controller;
  let response;
  try {
    response = await fetch("/api/status/stream", { headers: authorization(), signal: controller.signal });
  } catch (err) {
    if (!controller.signal.aborted) retryLater(err.message);
    return;
  }
  if (response.status !== 200) {
    if (!refused(await answerOf(response))) timer = setTimeout(watch, RETRY_MS);
    return;
  }
  const opened = Date.now();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer.slice(0, end).split("\n").filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6)).join("\n");
        buffer = buffer.slice(end + 2);
        if (data) show(JSON.parse(data));
      }
    }
  } catch (err) {
    if (controller.signal.aborted) return;
  }
  // The stream ended: Roost stops, or the token stopped working. The next try says which, at once (a stream that
  // ended as it began waits first).
  if (stream !== controller) return;
  if (Date.now() - opened < RETRY_MS) retryLater("the status stream ended"); else watch();
}

// The status once, at once (after an action, which may fire no event).
async function load() {
  try {
    const answer = await answerOf(await fetch("/api/status", { headers: authorization() }));
    if (answer.status === 200) show(answer.body); else refused(answer);
  } catch (err) {
    $("problem").textContent = `Roost does not answer (${err.message}).`;
  }
}

// What an action answered stays shown until the next one (the refresh rewrites #problem): what Roost said, or what
// told(body) makes of its answer.
async function act(path, source, { method = "POST", body, told } = {}) {
  source.disabled = true;
  let answer;
  try {
    answer = await answerOf(await fetch(path, { method, headers: authorization(), body }));
  } catch (err) {
    answer = { status: 0, body: { error: `Roost does not answer (${err.message})` } };
  }
  const said = $("said");
  if (answer.status !== 200) {
    said.textContent = (answer.body && answer.body.error) || `status ${answer.status}`;
    said.className = "error";
  } else {
    said.textContent = told ? told(answer.body) : answer.body && answer.body.said ? answer.body.said.join("\n") : "";
    said.className = "";
  }
  source.disabled = false;
  await load();
  if ($("knowledge-documents").open) await listDocuments();
}

// The knowledge base's documents, listed when their section is opened; an admin token may remove and add them.
async function listDocuments() {
  let answer;
  try {
    answer = await answerOf(await fetch("/api/knowledge/documents", { headers: authorization() }));
  } catch (err) {
    answer = { status: 0, body: { error: `Roost does not answer (${err.message})` } };
  }
  if (answer.status !== 200) {
    fill("documents", [], (answer.body && answer.body.error) || `status ${answer.status}`);
    return;
  }
  fill("documents", answer.body.documents.map((d) => {
    const actions = document.createElement("td");
    if (admin) {
      const remove = document.createElement("button");
      remove.textContent = "Remove";
      remove.setAttribute("data-remove", d.path);
      remove.addEventListener("click", () => act(`/api/knowledge/documents/${encodeURIComponent(d.path)}`, remove,
        { method: "DELETE", told: (b) => `Removed ${b.removed} from the knowledge base.` }));
      actions.append(remove);
    }
    return row([cell(d.path, "text"), cell(`${d.passages} passage${d.passages === 1 ? "" : "s"}`), cell(size(d.bytes)),
      actions], { "data-path": d.path });
  }), "no documents");
}

function addDocument(event) {
  event.preventDefault();
  const file = $("document-file").files[0];
  if (!file) return;
  act(`/api/knowledge/documents/${encodeURIComponent(file.name)}`, $("add-document-button"), {
    method: "PUT", body: file,
    told: (b) => `${b.replaced ? "Replaced" : "Added"} ${b.path}: ${b.passages} passage${b.passages === 1 ? "" : "s"}.`,
  }).then(() => { $("document-file").value = ""; });
}

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    $("token").value = "";
    watch();
  });
  $("reload").addEventListener("click", () => act("/api/reload", $("reload")));
  $("knowledge-documents").addEventListener("toggle", () => { if ($("knowledge-documents").open) listDocuments(); });
  $("add-document").addEventListener("submit", addDocument);
  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    showLogin("");
  });
  if (sessionStorage.getItem(KEY)) watch(); else showLogin("");
});
