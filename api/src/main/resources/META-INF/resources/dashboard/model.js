// One model: its versions (digests, jobs of each) and the history of the best metric at each budget across versions
// and re-searches, with regressions flagged: drops between versions seen here, and nightly jobs the api judged
// regressions (GET /api/models/{name}/history, against bitplan.nightly.regression-threshold).
(() => {
  const REGRESSION = 0.002; // a drop in the best metric larger than this, at the same budget, is flagged

  const name = () => document.getElementById('model-name').dataset.model;

  /** A budget as people read it: the same budgets make one line of the history. */
  function budgetKey(spec) {
    const b = (spec && spec.budgets) || {};
    const parts = [b.maxSizeBytes && `size <= ${BitPlan.bytes(b.maxSizeBytes)}`, b.maxSizeRatio && `size <= ${b.maxSizeRatio} x FP32`,
      b.maxLatencyMs && `latency <= ${b.maxLatencyMs} ms`, b.minMetric && `metric >= ${b.minMetric}`, b.maxDrop && `drop <= ${b.maxDrop}`];
    return parts.filter(Boolean).join(', ') || 'no budget';
  }

  async function history(jobs) {
    const done = jobs.filter(j => j.state === 'DONE');
    const points = []; // {budget, version, metric, job, finishedAt}
    for (const job of done) {
      const candidates = await BitPlan.json(`/api/jobs/${encodeURIComponent(job.id)}/candidates`);
      const within = candidates.filter(c => c.withinBudgets);
      if (within.length) {
        const best = within.reduce((a, c) => (c.metric > a.metric ? c : a));
        points.push({ budget: budgetKey(job.spec), version: job.version, metric: best.metric, job: job.id, finishedAt: job.finishedAt });
      }
    }
    return points;
  }

  function draw(points, nightly) {
    const budgets = [...new Set(points.map(p => p.budget))];
    const chart = echarts.init(document.getElementById('history'));
    const regressions = [];
    const series = budgets.map(budget => {
      const line = points.filter(p => p.budget === budget).sort((a, b) => a.version - b.version || a.finishedAt.localeCompare(b.finishedAt));
      const byVersion = new Map();
      line.forEach(p => byVersion.set(p.version, p)); // the latest search of each version
      const data = [...byVersion.values()];
      data.forEach(p => { p.nightly = nightly.get(p.job); });
      for (let i = 1; i < data.length; i++) {
        if (data[i].nightly && data[i].nightly.regression) {
          data[i].regressed = true; // listed below with the api's verdict
        } else if (data[i].metric < data[i - 1].metric - REGRESSION) {
          regressions.push(`${budget}: v${data[i].version} ${data[i].metric.toFixed(4)} < v${data[i - 1].version} ${data[i - 1].metric.toFixed(4)}`);
          data[i].regressed = true;
        }
      }
      return {
        name: budget, type: 'line',
        data: data.map(p => ({ value: [p.version, p.metric], job: p.job, nightly: !!p.nightly,
          itemStyle: p.regressed ? { color: '#c92a2a' } : undefined, symbolSize: p.regressed ? 14 : 8 })),
      };
    });
    for (const n of nightly.values()) {
      if (n.regression) {
        regressions.push(`nightly v${n.version}: ${fixed(n.bestMetric)} < ${fixed(n.previousMetric)} before; measured again: ${n.remeasuredLayers.join(', ')}`);
      }
    }
    chart.setOption({
      tooltip: { trigger: 'item', formatter: p => `${p.seriesName}<br>v${p.value[0]}: ${p.value[1].toFixed(4)}${p.data.nightly ? ' (nightly)' : ''}` },
      legend: { top: 0 },
      grid: { top: 40 },
      xAxis: { type: 'value', name: 'version', minInterval: 1 },
      yAxis: { type: 'value', name: 'best metric', scale: true },
      series,
      animation: false,
    });
    chart.on('click', p => p.data && p.data.job && (window.location = '/jobs/' + encodeURIComponent(p.data.job)));
    document.getElementById('regressions').replaceChildren(...regressions.map(r => BitPlan.el('li', { class: 'regression' }, 'regression: ' + r)));
    window.bitplanModel = { chart, regressions };
  }

  const fixed = m => (m == null ? 'none' : m.toFixed(4));

  /** The api's nightly verdicts by job id. */
  async function nightlyVerdicts() {
    const history = await BitPlan.json(`/api/models/${encodeURIComponent(name())}/history`);
    return new Map(history.entries.filter(e => e.nightly).map(e => [e.jobId, e]));
  }

  BitPlan.start(async () => {
    try {
      const model = await BitPlan.json(`/api/models/${encodeURIComponent(name())}`);
      const jobs = await BitPlan.json(`/api/jobs?model=${encodeURIComponent(name())}`);
      document.querySelector('#versions tbody').replaceChildren(...model.versions.slice().reverse().map(v => {
        const own = jobs.filter(j => j.modelVersionId === v.versionId);
        return BitPlan.el('tr', { 'data-version': v.version },
          BitPlan.el('td', {}, 'v' + v.version), BitPlan.el('td', { class: 'digest', title: v.sha256 }, v.sha256.slice(0, 12)),
          BitPlan.el('td', {}, BitPlan.bytes(v.sizeBytes)), BitPlan.el('td', {}, v.layers),
          BitPlan.el('td', {}, new Date(v.createdAt).toLocaleString()),
          BitPlan.el('td', {}, ...own.map(j => BitPlan.el('a', { href: '/jobs/' + encodeURIComponent(j.id), class: 'job ' + j.state }, j.id.slice(0, 8) + ' ' + j.state + ' '))));
      }));
      draw(await history(jobs), await nightlyVerdicts());
    } catch (e) {
      if (e.status === 401) throw e;
      document.getElementById('model-error').textContent = e.message;
    }
  });
})();
