// Live updates: the server's events (/v1/events, SSE). On `entry`,
// `status` or `checkpoint`, `refresh()` is called (debounced): it refetches and re-verifies
// the checkpoint, the status and the observations. If the stream fails,
// the page falls back to polling /checkpoint.

import { t } from './i18n.js';
import * as api from './api.js';

export function start(refresh, setState) {
  let timer = null;
  let polling = null;
  let lastSize = null;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 800);
  };
  const poll = () => {
    if (polling) return;
    setState('polling', t('dashboard-live-polling'));
    polling = setInterval(async () => {
      try {
        const { text } = await api.text('/checkpoint');
        const size = Number(text.split('\n')[1]);
        if (lastSize !== null && size !== lastSize) soon();
        lastSize = size;
      } catch {
        // The next poll tries again.
      }
    }, 15000);
  };
  if (!window.EventSource) {
    poll();
    return;
  }
  const es = new EventSource('/v1/events');
  es.addEventListener('hello', (e) => {
    try {
      lastSize = JSON.parse(e.data).size;
    } catch {
      // A hello without a size: nothing to compare with yet.
    }
    setState('live', t('dashboard-live-on'));
  });
  es.addEventListener('entry', soon);
  es.addEventListener('status', soon);
  // A checkpoint served (or cosigned) after the entries it covers: the
  // badge follows it.
  es.addEventListener('checkpoint', soon);
  es.onerror = () => {
    // EventSource retries on its own while CONNECTING; once CLOSED, poll.
    if (es.readyState === EventSource.CLOSED) {
      poll();
    } else {
      setState('retrying', t('dashboard-live-retrying'));
    }
  };
}
