// One model: its versions (digests, jobs of each) and the history of the best metric at each budget across versions
// and re-searches, with regressions flagged.
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

  function draw(points) {
    const budgets = [...new Set(points.map(p => p.budget))];
    const chart = echarts.init(document.getElementById('history'));
    const regressions = [];
    const series = budgets.map(budget => {
      const line = points.filter(p => p.budget === budget).sort((a, b) => a.version - b.version || a.finishedAt.localeCompare(b.finishedAt));
      const byVersion = new Map();
      line.forEach(p => byVersion.set(p.version, p)); // the latest search of each version
      const data = [...byVersion.values()];
      for (let i = 1; i < data.length; i++) {
        if (data[i].metric < data[i - 1].metric - REGRESSION) {
          regressions.push(`${budget}: v${data[i].version} ${data[i].metric.toFixed(4)} < v${data[i - 1].version} ${data[i - 1].metric.toFixed(4)}`);
          data[i].regressed = true;
        }
      }
      return {
        name: budget, type: 'line',
        data: data.map(p => ({ value: [p.version, p.metric], job: p.job,
          itemStyle: p.regressed ? { color: '#c92a2a' } : undefined, symbolSize: p.regressed ? 14 : 8 })),
      };
    });
    chart.setOption({
      tooltip: { trigger: 'item', formatter: p => `${p.seriesName}<br>v${p.value[0]}: ${p.value[1].toFixed(4)}` },
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
      draw(await history(jobs));
    } catch (e) {
      if (e.status === 401) throw e;
      document.getElementById('model-error').textContent = e.message;
    }
  });
})();
