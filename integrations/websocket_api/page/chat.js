// Roost's chat page: logs in with an access token (the status page's login: kept in this tab's sessionStorage),
// talks over /api/chat as one conversation whose name this browser keeps (so replies that came while the page was
// closed come when it opens), shows a model's answer as it is written (?stream=1), marks each message Roost has
// stored (?stored=1) and offers to send again one it had not when the connection dropped (with its id: Roost stores
// it once, whether or not the first had reached it), and keeps the conversation shown in this tab. Text is set with
// textContent; only a model's answer is set as HTML: the HTML Roost made of its Markdown (?html=1), every text in it
// escaped, only the tags of formatting and links.
"use strict";

const KEY = "roost-token";
const CONVERSATION = "roost-chat-conversation"; // localStorage: the conversation this browser takes up again
const SHOWN = "roost-chat-shown"; // sessionStorage: the lines this tab shows
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];
const TAKEN_OVER = 4000; // the close code of a socket whose conversation another socket took up
const WAIT_MS = 5 * 60 * 1000; // a question with no answer this long stops showing "answering"
let socket = null;
let tries = 0;
let timer = null;
const waiting = new Map(); // message id -> when it was sent
const writing = new Map(); // message id -> the line of Roost's answer to it being written
const unconfirmed = new Map(); // message id -> its line, until Roost says it stored it
const unsentLines = new Map(); // message id -> its line offering to send it again, until Roost says it has it

const $ = (id) => document.getElementById(id);

function randomName() {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // crypto.randomUUID needs https; a LAN page may not be
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function conversation() {
  let name = localStorage.getItem(CONVERSATION);
  if (!name) {
    name = `browser-${randomName()}`;
    localStorage.setItem(CONVERSATION, name);
  }
  return name;
}

function shown() {
  try { return JSON.parse(sessionStorage.getItem(SHOWN)) || []; } catch (_) { return []; }
}

function add(who, text, id, html) {
  remember({ who, text, id, html });
  return draw(who, text, html);
}

function remember(line) {
  keep([...shown(), line]);
}

function keep(lines) {
  sessionStorage.setItem(SHOWN, JSON.stringify(lines.slice(-500)));
}

function draw(who, text, html) {
  const item = document.createElement("li");
  item.className = who;
  fill(item, text, html);
  $("transcript").append(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

// A line's text, or Roost's HTML of it (a whole answer, formatted).
function fill(item, text, html) {
  if (typeof html === "string") {
    item.innerHTML = html; // Roost's, not the sender's: see the top of this file
  } else {
    item.textContent = text;
  }
}

// Roost stored the message (it said so, or answered it): a line that offered to send it again no longer does.
function confirmed(id) {
  const item = unconfirmed.get(id) || unsentLines.get(id);
  unconfirmed.delete(id);
  if (!item) return;
  item.classList.remove("pending");
  if (unsentLines.delete(id)) {
    item.classList.remove("unsent");
    item.querySelector("button").remove();
    keep(shown().map((line) => (line.id === id ? { ...line, unsent: false } : line)));
  }
}

// Roost may not have the message: the line says so and offers to send it again.
function unsent(id, item, text) {
  unconfirmed.delete(id);
  unsentLines.set(id, item);
  waiting.delete(id);
  item.classList.remove("pending");
  item.classList.add("unsent");
  const again = document.createElement("button");
  again.type = "button";
  again.textContent = "Send again";
  again.title = "Roost did not say it stored this message";
  again.addEventListener("click", () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    keep(shown().filter((line) => line.id !== id));
    unsentLines.delete(id);
    item.remove();
    post(text, id); // the same id: Roost answers a copy of a message it has "stored" (again), and stores it once
  });
  item.append(again);
  keep(shown().map((line) => (line.id === id ? { ...line, unsent: true } : line)));
}

function say(text) {
  $("state").textContent = text;
}

function showWaiting() {
  const now = Date.now();
  for (const [id, sent] of waiting) if (now - sent > WAIT_MS) waiting.delete(id);
  $("waiting").hidden = waiting.size === 0;
}

function showLogin(error) {
  close();
  $("chat").hidden = true;
  $("logout").hidden = true;
  $("forget").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = error || "";
  say("");
}

function close() {
  clearTimeout(timer);
  if (socket) {
    socket.onclose = null;
    socket.close();
  }
  socket = null;
}

// Why the token does not work, or null: a plain GET of the socket's address answers 400 (no upgrade) to one that
// does, and 401 (the token) or 403 (this address banned) with the reason to one that does not; a browser tells a
// WebSocket nothing of why it was refused.
async function refusal() {
  try {
    const answer = await fetch("/api/chat", { headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}` } });
    if (answer.status !== 401 && answer.status !== 403) return null;
    const body = await answer.json().catch(() => null);
    return { status: answer.status, error: (body && body.error) || `status ${answer.status}` };
  } catch (_) {
    return null; // Roost does not answer: the socket's retries say so
  }
}

async function connect() {
  close();
  const refused = await refusal();
  if (refused !== null) {
    if (refused.status === 401) sessionStorage.removeItem(KEY);
    showLogin(refused.error);
    return;
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = new URLSearchParams({ access_token: sessionStorage.getItem(KEY), conversation: conversation(),
    stream: "1", stored: "1", html: "1" });
  const opened = new WebSocket(`${scheme}://${location.host}/api/chat?${query}`);
  socket = opened;
  say("connecting…");
  opened.onopen = () => {
    tries = 0;
    say("connected");
  };
  opened.onmessage = (event) => receive(event.data);
  opened.onclose = (event) => {
    socket = null;
    for (const [id, item] of unconfirmed) unsent(id, item, item.textContent);
    if (event.code === 1008) { // the token was revoked, or expired
      sessionStorage.removeItem(KEY);
      showLogin(event.reason);
      return;
    }
    if (event.code === TAKEN_OVER) { // another tab or browser: taking it back would go on without end
      say("this conversation is open in another tab or browser; reload this page to go on here");
      return;
    }
    const wait = RETRY_MS[Math.min(tries, RETRY_MS.length - 1)];
    tries += 1;
    say(`${event.reason || "Roost does not answer"}; connecting again in ${wait / 1000} s`);
    timer = setTimeout(connect, wait);
  };
}

function receive(data) {
  let frame;
  try { frame = JSON.parse(data); } catch (_) { frame = { text: data }; }
  if (frame.cancelled !== undefined) { // Stop: the answers being written end where they are
    for (const item of writing.values()) remember({ who: "roost", text: item.textContent });
    writing.clear();
    waiting.clear();
    say(frame.cancelled ? "stopped" : "nothing to stop");
    showWaiting();
    return;
  }
  if (frame.done === false) { // a model's answer so far: its line grows until the whole comes
    confirmed(frame.id);
    const item = writing.get(frame.id) || draw("roost", "");
    writing.set(frame.id, item);
    fill(item, String(frame.text), frame.html);
    item.scrollIntoView({ block: "end" });
    return;
  }
  if (frame.stored === true) {
    confirmed(frame.id);
    return;
  }
  if (frame.error !== undefined) {
    const item = unconfirmed.get(frame.id);
    if (item) unsent(frame.id, item, item.textContent); // not stored: the error says why
    add("error", frame.error);
    showWaiting();
    return;
  }
  confirmed(frame.id); // an answer: stored, whether or not its word came first
  if (frame.id !== undefined) waiting.delete(frame.id);
  const written = writing.get(frame.id);
  writing.delete(frame.id);
  if (written) {
    fill(written, String(frame.text), frame.html);
    remember({ who: "roost", text: String(frame.text), html: frame.html });
  } else {
    add("roost", String(frame.text), undefined, frame.html);
  }
  showWaiting();
}

function send(event) {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  if (!socket || socket.readyState !== WebSocket.OPEN) {
    say("not connected: the message was not sent; it is still in the box");
    return;
  }
  $("text").value = "";
  post(text);
}

function post(text, id = randomName()) {
  socket.send(JSON.stringify({ id, text }));
  waiting.set(id, Date.now());
  const item = add("you", text, id);
  item.classList.add("pending");
  unconfirmed.set(id, item);
  showWaiting();
}

function start() {
  $("login").hidden = true;
  $("chat").hidden = false;
  $("logout").hidden = false;
  $("forget").hidden = false;
  $("transcript").replaceChildren();
  unsentLines.clear();
  for (const line of shown()) {
    const item = draw(line.who, line.text, line.html);
    if (line.unsent) unsent(line.id, item, line.text);
  }
  connect();
}

document.addEventListener("DOMContentLoaded", () => {
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("token").value.trim());
    $("token").value = "";
    start();
  });
  $("compose").addEventListener("submit", send);
  $("stop").addEventListener("click", () => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ cancel: true }));
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("forget").addEventListener("click", () => { // a new conversation: Roost's history of the old one is not used
    localStorage.removeItem(CONVERSATION);
    sessionStorage.removeItem(SHOWN);
    waiting.clear();
    writing.clear();
    unconfirmed.clear();
    start();
  });
  $("logout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    showLogin("");
  });
  setInterval(showWaiting, 10000);
  if (sessionStorage.getItem(KEY)) start(); else showLogin("");
});
