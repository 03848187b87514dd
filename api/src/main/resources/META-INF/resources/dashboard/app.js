// What every dashboard page shares: the token (kept for the browser session), REST calls with it, and following a
// job's server-sent events. Pages call BitPlan.start(fn): fn runs once a token is known.
const BitPlan = (() => {
  const KEY = 'bitplan.token';

  class ApiError extends Error {
    constructor(status, detail, field) {
      super(detail);
      this.status = status;
      this.field = field;
    }
  }

  const token = () => sessionStorage.getItem(KEY);
  const headers = () => ({ Authorization: 'Bearer ' + token() });

  async function fail(response) {
    let problem = {};
    try { problem = await response.json(); } catch (e) { /* not a problem document */ }
    if (response.status === 401) {
      sessionStorage.removeItem(KEY);
    }
    return new ApiError(response.status, problem.detail || problem.title || response.statusText, problem.field);
  }

  async function get(path) {
    const response = await fetch(path, { headers: headers() });
    if (!response.ok) {
      throw await fail(response);
    }
    return { body: await response.json(), headers: response.headers };
  }

  async function json(path) {
    return (await get(path)).body;
  }

  /** Downloads what the API serves at path (with the token) as a file named name. */
  async function download(path, name) {
    const response = await fetch(path, { headers: headers() });
    if (!response.ok) {
      throw await fail(response);
    }
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  /**
   * Follows a server-sent event stream with the token (EventSource cannot send headers): onEvent gets each event's
   * JSON data; resolves when the server ends the stream. An AbortSignal stops it early.
   */
  async function follow(path, onEvent, signal) {
    const response = await fetch(path, { headers: { ...headers(), Accept: 'text/event-stream' }, signal });
    if (!response.ok) {
      throw await fail(response);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trim()).join('\n');
        if (data) {
          onEvent(JSON.parse(data));
        }
      }
    }
  }

  /** Shows the page once a token works (asks for one first), then runs fn. */
  function start(fn) {
    document.addEventListener('DOMContentLoaded', () => {
      const form = document.getElementById('login');
      const page = document.getElementById('page');
      const run = async () => {
        try {
          await json('/api/models'); // checks the token before the page shows anything
          form.hidden = true;
          page.hidden = false;
          await fn();
        } catch (e) {
          if (e.status === 401) {
            page.hidden = true;
            form.hidden = false;
            document.getElementById('login-error').textContent = token() ? '' : e.message;
          } else {
            throw e;
          }
        }
      };
      form.addEventListener('submit', ev => {
        ev.preventDefault();
        sessionStorage.setItem(KEY, document.getElementById('token').value.trim());
        run();
      });
      if (token()) {
        run();
      } else {
        form.hidden = false;
      }
    });
  }

  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => (k === 'class' ? (e.className = v) : e.setAttribute(k, v)));
    children.forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
    return e;
  };

  const bytes = n => (n == null ? '' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(2) + ' MiB' : (n / 1024).toFixed(1) + ' KiB');

  return { json, get, download, follow, start, el, bytes, ApiError };
})();
