// The softphone page: calls the bot from the browser's microphone over the gateway's softphone
// media route, plays its answer, and shows the transcript, the claim and each turn's latency.
const $ = (id) => document.getElementById(id);
const state = { ws: null, ctx: null, stream: null, node: null, playAt: 0, sources: new Set(), callId: null, claimTimer: null, ringTimer: null };

function setStatus(text) {
  $('status').textContent = text;
  document.body.dataset.status = text;
}

function addLine(persona, text, final) {
  const list = $('transcript');
  let row = list.querySelector(`li[data-live="${persona}"]`);
  if (!row) {
    row = document.createElement('li');
    row.className = persona;
    row.dataset.live = persona;
    const who = document.createElement('strong');
    who.textContent = persona === 'human' ? 'You' : 'Agent';
    const body = document.createElement('span');
    row.append(who, body);
    list.append(row);
  }
  row.querySelector('span').textContent = text;
  if (final) delete row.dataset.live;
  list.scrollTop = list.scrollHeight;
}

function addLatency(msg) {
  const row = document.createElement('tr');
  const cells = [msg.turn_id, msg.answer_ms, msg.endpoint_ms, msg.stt_final_ms, msg.llm_ttft_ms, msg.tts_ttfb_ms];
  for (const value of cells) {
    const td = document.createElement('td');
    td.textContent = value === undefined || value === null ? '–' : typeof value === 'number' ? `${Math.round(value)}` : String(value);
    row.append(td);
  }
  $('latency').append(row);
}

async function refreshClaim() {
  if (!state.callId) return;
  try {
    const res = await fetch(`/call/${state.callId}`);
    if (!res.ok) return;
    const call = await res.json();
    const body = $('claim');
    body.replaceChildren();
    for (const [field, value] of Object.entries(call.claim || {})) {
      const row = document.createElement('tr');
      const k = document.createElement('td');
      k.textContent = field;
      const v = document.createElement('td');
      v.textContent = value ?? '';
      row.append(k, v);
      body.append(row);
    }
  } catch {
    // The claim panel is informative; a failed refresh is retried on the next tick.
  }
}

function playPcm(buffer) {
  const pcm = new Int16Array(buffer);
  if (pcm.length === 0) return;
  const audio = state.ctx.createBuffer(1, pcm.length, 16000);
  const ch = audio.getChannelData(0);
  for (let i = 0; i < pcm.length; i++) ch[i] = pcm[i] / 0x8000;
  const src = state.ctx.createBufferSource();
  src.buffer = audio;
  src.connect(state.ctx.destination);
  const now = state.ctx.currentTime;
  if (state.playAt < now) state.playAt = now + 0.02;
  src.start(state.playAt);
  state.playAt += audio.duration;
  state.sources.add(src);
  src.onended = () => state.sources.delete(src);
  document.body.dataset.heardAudio = 'yes';
}

function clearPlayback() {
  for (const src of state.sources) {
    try {
      src.stop();
    } catch {}
  }
  state.sources.clear();
  state.playAt = 0;
}

async function connect(mediaUrl, callId) {
  state.callId = callId;
  setStatus('connecting');
  state.ctx = new AudioContext();
  await state.ctx.audioWorklet.addModule('/softphone/capture-worklet.js');
  state.stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } });
  const mic = state.ctx.createMediaStreamSource(state.stream);
  state.node = new AudioWorkletNode(state.ctx, 'capture-processor');
  mic.connect(state.node);
  const ws = new WebSocket(mediaUrl);
  ws.binaryType = 'arraybuffer';
  state.ws = ws;
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: 'hello' }));
    setStatus('in call');
    $('hangup').disabled = false;
    $('call').disabled = true;
    state.node.port.onmessage = (e) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(e.data);
    };
  };
  ws.onmessage = (e) => {
    if (typeof e.data !== 'string') return playPcm(e.data);
    let msg;
    try {
      msg = JSON.parse(e.data);
    } catch {
      return;
    }
    if (msg.type === 'clear') clearPlayback();
    else if (msg.type === 'transcript') addLine(msg.persona, msg.text, msg.final);
    else if (msg.type === 'latency') addLatency(msg);
    else if (msg.type === 'claim') refreshClaim();
    else if (msg.type === 'hangup') hangup('the agent hung up');
  };
  ws.onclose = () => hangup('call ended');
  ws.onerror = () => setStatus('connection error');
  state.claimTimer = setInterval(refreshClaim, 1000);
}

function hangup(reason) {
  const ws = state.ws;
  state.ws = null;
  if (ws) {
    // This hang-up is the one reported: the socket's own close event must not overwrite it.
    ws.onclose = null;
    ws.onmessage = null;
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'hangup' }));
      ws.close(1000, 'hangup');
    }
  }
  clearInterval(state.claimTimer);
  refreshClaim();
  if (state.stream) for (const t of state.stream.getTracks()) t.stop();
  if (state.node) state.node.port.onmessage = null;
  state.stream = null;
  $('hangup').disabled = true;
  $('call').disabled = false;
  setStatus(reason || 'idle');
}

async function placeCall() {
  setStatus('dialling');
  const res = await fetch('/softphone/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) {
    setStatus(`could not call: ${res.status}`);
    return;
  }
  const call = await res.json();
  await connect(call.media_url, call.call_id);
}

async function pollRinging() {
  if (state.ws) return;
  try {
    const res = await fetch('/softphone/ringing');
    if (!res.ok) return;
    const { calls } = await res.json();
    const ring = $('ringing');
    ring.replaceChildren();
    for (const call of calls) {
      const button = document.createElement('button');
      button.textContent = `Answer call ${call.call_id.slice(0, 8)}`;
      button.onclick = () => connect(call.media_url, call.call_id);
      ring.append(button);
    }
  } catch {}
}

$('call').onclick = () => placeCall().catch((e) => setStatus(`error: ${e.message}`));
$('hangup').onclick = () => hangup('you hung up');
for (const b of document.querySelectorAll('[data-digit]')) {
  b.onclick = () => state.ws && state.ws.send(JSON.stringify({ type: 'dtmf', digit: b.dataset.digit }));
}
state.ringTimer = setInterval(pollRinging, 2000);
pollRinging();
