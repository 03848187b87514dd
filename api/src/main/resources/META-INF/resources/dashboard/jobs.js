// The jobs list: newest first, filtered by model and state, a page at a time; running jobs follow their events.
(() => {
  const PAGE = 20;
  // a browser opens at most 6 connections to one host: a few event streams leave room for the page's own calls;
  // the other running jobs of the page are refreshed by listing again
  const MAX_STREAMS = 3;
  const RELIST_MS = 3000;
  let offset = 0;
  let relist = null;
  const followed = new Map(); // job id -> its row, while its events stream
  const streams = new Map(); // job id -> the AbortController of its event stream

  function row(job) {
    const bar = BitPlan.el('div', { class: 'progress' }, BitPlan.el('div', { class: 'bar', style: `width:${job.percent || 0}%` }));
    return BitPlan.el('tr', { 'data-job': job.id },
      BitPlan.el('td', {}, BitPlan.el('a', { href: '/jobs/' + encodeURIComponent(job.id) }, job.id.slice(0, 8))),
      BitPlan.el('td', {}, job.model ? BitPlan.el('a', { href: '/models/' + encodeURIComponent(job.model) }, `${job.model} v${job.version}`) : ''),
      BitPlan.el('td', { class: 'state' }, job.state),
      BitPlan.el('td', { class: 'stage' }, job.stage || ''),
      BitPlan.el('td', {}, bar, BitPlan.el('span', { class: 'percent' }, job.percent == null ? '' : job.percent + '%')),
      BitPlan.el('td', {}, new Date(job.createdAt).toLocaleString()));
  }

  function update(tr, job) {
    tr.querySelector('.state').textContent = job.state;
    tr.querySelector('.stage').textContent = job.stage || '';
    tr.querySelector('.bar').style.width = (job.percent || 0) + '%';
    tr.querySelector('.percent').textContent = job.percent == null ? '' : job.percent + '%';
  }

  async function load() {
    const model = document.getElementById('filter-model').value.trim();
    const state = document.getElementById('filter-state').value;
    const query = new URLSearchParams({ offset, limit: PAGE });
    if (model) query.set('model', model);
    if (state) query.set('state', state);
    const error = document.getElementById('jobs-error');
    error.textContent = '';
    let result;
    try {
      result = await BitPlan.get('/api/jobs?' + query);
    } catch (e) {
      error.textContent = e.message;
      return;
    }
    const total = Number(result.headers.get('X-Total-Count') || result.body.length);
    const body = document.querySelector('#jobs tbody');
    body.replaceChildren();
    followed.clear();
    clearTimeout(relist);
    let unfollowed = 0;
    for (const job of result.body) {
      const tr = row(job);
      body.append(tr);
      if (!['DONE', 'FAILED', 'CANCELLED'].includes(job.state)) {
        if (followed.size < MAX_STREAMS) {
          followed.set(job.id, tr);
          if (!streams.has(job.id)) {
            const controller = new AbortController();
            streams.set(job.id, controller);
            BitPlan.follow(`/api/jobs/${encodeURIComponent(job.id)}/events`, j => followed.get(j.id) && update(followed.get(j.id), j),
              controller.signal)
              .catch(() => { /* the row keeps its last state */ })
              .finally(() => streams.delete(job.id));
          }
        } else {
          unfollowed++;
        }
      }
    }
    // streams of jobs no longer shown (another page or filter) give their connection back
    [...streams.keys()].filter(id => !followed.has(id)).forEach(id => streams.get(id).abort());
    if (unfollowed > 0) {
      relist = setTimeout(load, RELIST_MS);
    }
    document.getElementById('page-info').textContent = total === 0 ? 'no jobs'
      : `${offset + 1}-${Math.min(offset + PAGE, total)} of ${total}`;
    document.getElementById('prev').disabled = offset === 0;
    document.getElementById('next').disabled = offset + PAGE >= total;
  }

  BitPlan.start(async () => {
    const refilter = () => { offset = 0; load(); };
    document.getElementById('filter-model').addEventListener('input', refilter);
    document.getElementById('filter-state').addEventListener('change', refilter);
    document.getElementById('filters').addEventListener('submit', e => e.preventDefault());
    document.getElementById('prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
    document.getElementById('next').addEventListener('click', () => { offset += PAGE; load(); });
    await load();
  });
})();
