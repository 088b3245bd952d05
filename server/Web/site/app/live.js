// The live feed (GET /api/events): alert transitions, gateway states and commands' answers, as they reach the ledger.
// Pages subscribe by event type; the connection reopens by itself after a break.
const listeners = new Map();
let source = null;

export function startLive() {
  if (source) return;
  source = new EventSource('/api/events', { withCredentials: true });
  for (const type of ['alert', 'gateway', 'command']) {
    source.addEventListener(type, e => {
      const data = JSON.parse(e.data);
      for (const f of listeners.get(type) || []) f(data);
    });
  }
}

export function stopLive() { source?.close(); source = null; }

// Calls f(data) for every event of type until the returned function is called.
export function onLive(type, f) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(f);
  return () => listeners.get(type).delete(f);
}
