// One job: its Pareto scatters (metric against file size and against measured latency), the selected candidate's
// per-layer plan, and the per-layer sensitivity. While the job runs, the page fills in as candidates arrive.
(() => {
  const jobId = () => document.getElementById('job-id').dataset.job;
  const BASELINES = { 'baseline-fp32': 'FP32', 'baseline-int8': 'all 8-bit', 'baseline-int4': 'all 4-bit' };
  const charts = {};
  let job = null;
  let candidates = [];
  let report = null;
  let selected = null;

  const size = c => (c.exportedBytes != null ? c.exportedBytes : c.sizeBytes);
  const recommended = c => !!job.recommended && c.candidateId === job.recommended; // the job names candidates by their global id
  const latency = c => (c.latencyMs != null ? c.latencyMs : c.estimatedLatencyMs);

  function summary() {
    const s = job.spec || {};
    const b = s.budgets || {};
    const budgets = [b.maxSizeBytes && `size <= ${BitPlan.bytes(b.maxSizeBytes)}`, b.maxSizeRatio && `size <= ${b.maxSizeRatio} of FP32`,
      b.maxLatencyMs && `latency <= ${b.maxLatencyMs} ms`, b.minMetric && `metric >= ${b.minMetric}`, b.maxDrop && `drop <= ${b.maxDrop}`]
      .filter(Boolean).join(', ') || 'no budgets';
    document.getElementById('summary').textContent =
      `${job.model} v${job.version} - ${job.state}${job.stage ? ' (' + job.stage + ')' : ''} - ${s.method || 'ptq'} - ${budgets}`
      + ` - ${job.candidatesDone}/${job.candidatesExpected || '?'} candidates` + (job.recommended ? ` - recommended ${job.recommended.slice(job.recommended.indexOf(':') + 1)}` : '');
    document.getElementById('bar').style.width = (job.state === 'DONE' ? 100 : job.percent || 0) + '%';
    document.getElementById('job-error').textContent = job.error || '';
  }

  /** The size budget in bytes: as given, or as a ratio of the FP32 file once the report (or the FP32 candidate) says its size. */
  function sizeLimit() {
    const b = (job.spec || {}).budgets || {};
    if (b.maxSizeBytes) return b.maxSizeBytes;
    const fp32 = candidates.find(c => c.kind === 'baseline-fp32');
    const base = report ? report.fp32.fileBytes : fp32 && size(fp32);
    return b.maxSizeRatio && base ? Math.floor(b.maxSizeRatio * base) : null;
  }

  function scatter(el, x, xName, limit) {
    const chart = charts[el] || (charts[el] = echarts.init(document.getElementById(el)));
    const b = (job.spec || {}).budgets || {};
    const point = c => ({
      value: [x(c), c.metric, c.deployedMetric],
      id: c.id,
      symbol: BASELINES[c.kind] ? 'diamond' : 'circle',
      symbolSize: recommended(c) ? 18 : c.id === selected ? 14 : 9,
      itemStyle: {
        color: recommended(c) ? '#d9480f' : BASELINES[c.kind] ? '#495057' : c.onFront ? '#1c7ed6' : '#a5d8ff',
        borderColor: c.id === selected ? '#000' : undefined, borderWidth: c.id === selected ? 2 : 0,
      },
      label: { show: !!BASELINES[c.kind] || recommended(c), formatter: BASELINES[c.kind] || 'recommended', position: 'top' },
    });
    // the front of this projection (no candidate smaller or faster with a higher metric), as a staircase; the points'
    // colour tells the front over all three figures (metric, size, latency)
    const front = [];
    candidates.filter(c => x(c) != null).sort((a, b2) => x(a) - x(b2) || b2.metric - a.metric).forEach(c => {
      if (!front.length || c.metric > front[front.length - 1][1]) front.push([x(c), c.metric]);
    });
    const markLines = [];
    if (limit) markLines.push({ xAxis: limit, name: 'budget', label: { formatter: 'budget' } });
    if (b.minMetric) markLines.push({ yAxis: b.minMetric, name: 'floor', label: { formatter: 'metric floor' } });
    chart.setOption({
      title: { text: `${report ? report.metricName : 'metric'} against ${xName}`, textStyle: { fontSize: 13 } },
      tooltip: {
        formatter: p => {
          const c = candidates.find(k => k.id === p.data.id);
          return c ? `${c.id} (${c.kind})<br>metric ${c.metric.toFixed(4)}, deployed ${c.deployedMetric == null ? '-' : c.deployedMetric.toFixed(4)}`
            + `<br>file ${BitPlan.bytes(size(c))}<br>latency ${latency(c) == null ? '-' : latency(c).toFixed(2) + ' ms'}` : '';
        },
      },
      xAxis: { type: 'value', name: xName, scale: true },
      yAxis: { type: 'value', name: 'metric', scale: true },
      series: [
        { id: 'candidates', type: 'scatter', data: candidates.filter(c => x(c) != null).map(point), markLine: { symbol: 'none', data: markLines } },
        { id: 'deployed', type: 'scatter', symbol: 'emptyCircle', symbolSize: 6, silent: true, itemStyle: { color: '#868e96' },
          data: candidates.filter(c => x(c) != null && c.deployedMetric != null).map(c => [x(c), c.deployedMetric]) },
        { id: 'front', type: 'line', step: 'end', data: front, silent: true, symbol: 'none', lineStyle: { color: '#1c7ed6' } },
      ],
      legend: { show: false },
      animation: false,
    });
    chart.off('click');
    chart.on('click', p => p.data && p.data.id && select(p.data.id));
  }

  function draw() {
    summary();
    scatter('by-size', size, 'file bytes', sizeLimit());
    scatter('by-latency', latency, 'batch-1 ms (measured)', ((job.spec || {}).budgets || {}).maxLatencyMs);
    if (selected) {
      showCandidate();
    }
  }

  function choiceText(choice) {
    if (!choice || choice.float) return 'float';
    return `W${choice.weightBits}` + (choice.activation === 'WEIGHT_ONLY' ? ' weight-only' : ` A${choice.activationBits}`
      + (choice.activation ? ' ' + choice.activation.toLowerCase() : '')) + (choice.fusion && choice.fusion !== 'FUSED' ? ' ' + choice.fusion.toLowerCase() : '');
  }

  function layerOrder(c) {
    if (report) return report.layers.map(l => l.name);
    return Object.keys((c.plan && c.plan.layers) || {});
  }

  function showCandidate() {
    const c = candidates.find(k => k.id === selected);
    if (!c) return;
    document.getElementById('candidate').hidden = false;
    document.getElementById('candidate-id').textContent = `${c.id} (${c.kind})`;
    const rows = [['metric (simulated)', c.metric.toFixed(4)], ['metric (deployed)', c.deployedMetric == null ? '-' : c.deployedMetric.toFixed(4)],
      ['file size', BitPlan.bytes(size(c))], ['modelled size', BitPlan.bytes(c.sizeBytes)],
      ['latency measured', c.latencyMs == null ? '-' : c.latencyMs.toFixed(2) + ' ms'], ['latency estimated', c.estimatedLatencyMs.toFixed(2) + ' ms'],
      ['within budgets', c.withinBudgets ? 'yes' : 'no'], ['on the front', c.onFront ? 'yes' : 'no']];
    if (c.ptqMetric != null) rows.push(['PTQ metric', c.ptqMetric.toFixed(4)]);
    if (c.qatMetric != null) rows.push(['QAT metric', c.qatMetric.toFixed(4)]);
    if (c.qat && c.qat.steps != null) rows.push(['QAT training', `${c.qat.steps} steps, ${c.qat.seconds.toFixed(1)} s`]);
    if (c.qat && c.qat.skipped) rows.push(['QAT skipped', c.qat.skipped]);
    document.getElementById('candidate-figures').replaceChildren(...rows.map(([k, v]) => BitPlan.el('tr', {}, BitPlan.el('th', {}, k), BitPlan.el('td', {}, v))));
    const plan = c.plan || {};
    const strip = document.getElementById('strip');
    strip.replaceChildren(...layerOrder(c).map(name => {
      const choice = (plan.layers || {})[name] || plan.defaultChoice;
      const bits = !choice || choice.float ? 'float' : 'w' + choice.weightBits;
      return BitPlan.el('div', { class: 'cell ' + bits, title: `${name}: ${choiceText(choice)}` },
        BitPlan.el('span', {}, !choice || choice.float ? 'F' : choice.weightBits));
    }));
    document.getElementById('download-model').onclick = () => BitPlan.download(c.modelUrl, `${jobId()}-${c.id}.onnx`);
  }

  function select(id) {
    selected = id;
    draw();
  }

  function sensitivity() {
    if (!report || !report.layers.length) return;
    document.getElementById('sensitivity').hidden = false;
    const chart = charts.sens || (charts.sens = echarts.init(document.getElementById('sensitivity-chart')));
    let layers = report.layers.slice();
    const divergence = o => (o && o.sensitivity ? o.sensitivity.divergence : null);
    const worst = l => Math.max(0, ...l.options.map(o => divergence(o) || 0));
    if (document.getElementById('sort-sensitivity').checked) layers.sort((a, b) => worst(b) - worst(a));
    const labels = [...new Set(report.layers.flatMap(l => l.options.map(o => o.label)))].filter(l => l !== 'float');
    chart.setOption({
      title: { text: 'divergence from FP32 with one layer quantized (the solver\'s cost)', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 20 },
      grid: { left: 60, right: 20, top: 60, bottom: 120 },
      xAxis: { type: 'category', data: layers.map(l => l.name), axisLabel: { rotate: 60, fontSize: 9 } },
      yAxis: { type: 'value', name: 'divergence' },
      dataZoom: [{ type: 'slider', bottom: 0 }],
      series: labels.map(label => ({
        name: label, type: 'bar', large: true,
        data: layers.map(l => divergence(l.options.find(k => k.label === label))),
      })),
      animation: false,
    }, true);
  }

  /** Pair interactions as a matrix of the layers they join (extra divergence of the pair over its two singles). */
  function pairs() {
    if (!report || !report.pairs || !report.pairs.length) return;
    document.getElementById('pairs').hidden = false;
    const names = [...new Set(report.pairs.flatMap(p => [p.layerA, p.layerB]))];
    const order = report.layers.map(l => l.name).filter(n => names.includes(n));
    const data = report.pairs.map(p => [order.indexOf(p.layerB), order.indexOf(p.layerA), p.interaction]);
    const values = data.map(d => d[2]);
    const chart = charts.pairs || (charts.pairs = echarts.init(document.getElementById('pairs-chart')));
    chart.setOption({
      tooltip: { formatter: p => `${order[p.value[1]]} + ${order[p.value[0]]}: ${p.value[2].toExponential(2)}` },
      grid: { left: 200, bottom: 160, top: 10 },
      xAxis: { type: 'category', data: order, axisLabel: { rotate: 60, fontSize: 9 } },
      yAxis: { type: 'category', data: order, axisLabel: { fontSize: 9 } },
      visualMap: { min: Math.min(0, ...values), max: Math.max(0, ...values), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
        inRange: { color: ['#1c7ed6', '#f8f9fa', '#d9480f'] } },
      series: [{ type: 'heatmap', data }],
      animation: false,
    }, true);
  }

  /** SQNR in dB of a layer's own output at an option, from its local error (run alone on its FP32 input). */
  const sqnr = o => (o && o.sensitivity && o.sensitivity.localError > 0 ? -10 * Math.log10(o.sensitivity.localError) : null);

  /**
   * Layer-wise debugging (the tutorial's two strategies): each layer's SQNR alone at its finest quantized option, and
   * calibration's view of its input and output: range, and the share each calibration method would clip.
   */
  function ranges() {
    if (!report || !report.layers.some(l => l.input || l.output)) return;
    document.getElementById('ranges').hidden = false;
    const method = (report.settings.quantization || {}).calibration || 'MINMAX';
    const pct = x => (x == null ? '' : (100 * x).toFixed(3) + '%');
    const range = t => (t ? `[${t.min.toPrecision(3)}, ${t.max.toPrecision(3)}]` : '-');
    const rows = report.layers.map(l => {
      const finest = l.options.filter(o => o.sensitivity && o.sensitivity.localError != null)
        .sort((a, b) => a.sensitivity.localError - b.sensitivity.localError)[0];
      const db = sqnr(finest);
      const tr = BitPlan.el('tr', { 'data-layer': l.name },
        BitPlan.el('td', {}, l.name), BitPlan.el('td', {}, db == null ? '-' : db.toFixed(1) + ' dB' + (finest ? ` (${finest.label})` : '')),
        BitPlan.el('td', {}, range(l.input)), BitPlan.el('td', {}, l.input ? pct(l.input.clipping[method].clippedShare) : ''),
        BitPlan.el('td', {}, range(l.output)), BitPlan.el('td', {}, l.output ? pct(l.output.clipping[method].clippedShare) : ''));
      tr.addEventListener('click', () => histogram(l));
      return tr;
    });
    document.querySelector('#ranges-table tbody').replaceChildren(...rows);
    document.getElementById('ranges-method').textContent = method;
  }

  /** A layer's input and output histograms (log counts) with each calibration method's clipping range marked. */
  function histogram(layer) {
    const chart = charts.hist || (charts.hist = echarts.init(document.getElementById('histogram')));
    const tensors = [['input', layer.input], ['output', layer.output]].filter(t => t[1]);
    chart.setOption({
      title: { text: layer.name, textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 20 },
      grid: tensors.map((t, i) => ({ left: 60, right: 20, top: 60 + i * 190, height: 140 })),
      xAxis: tensors.map((t, i) => ({ type: 'value', gridIndex: i, name: t[0], min: t[1].min, max: t[1].max })),
      yAxis: tensors.map((t, i) => ({ type: 'log', gridIndex: i, name: 'count', min: 1 })),
      series: tensors.map(([name, t], i) => {
        const w = (t.max - t.min) / t.histogram.length;
        return {
          name, type: 'bar', xAxisIndex: i, yAxisIndex: i, barWidth: '90%',
          data: t.histogram.map((c, k) => [t.min + (k + 0.5) * w, c || null]),
          markLine: { symbol: 'none', label: { formatter: p => p.name, fontSize: 9 },
            data: Object.entries(t.clipping).flatMap(([m, c]) => [{ xAxis: c.min, name: m }, { xAxis: c.max, name: m }]) },
        };
      }),
      animation: false,
    }, true);
  }

  async function refresh() {
    candidates = await BitPlan.json(`/api/jobs/${encodeURIComponent(jobId())}/candidates`);
    if (job.state === 'DONE' && !report) {
      report = await BitPlan.json(`/api/jobs/${encodeURIComponent(jobId())}/report`);
      candidates = candidates.map(c => ({ ...report.candidates.find(r => r.id === c.id), ...c }));
      sensitivity();
      pairs();
      ranges();
      document.getElementById('download-report').onclick = () => BitPlan.download(`/api/jobs/${encodeURIComponent(jobId())}/report`, `${jobId()}-report.json`);
    }
    if (!selected && candidates.some(recommended)) selected = candidates.find(recommended).id;
    draw();
  }

  BitPlan.start(async () => {
    window.bitplanDashboard = { candidates: () => candidates, charts, select }; // for tests and the console
    document.getElementById('sort-sensitivity').addEventListener('change', sensitivity);
    window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));
    try {
      await show();
    } catch (e) {
      if (e.status === 401) throw e;
      document.getElementById('job-error').textContent = e.message;
    }
  });

  async function show() {
    job = await BitPlan.json(`/api/jobs/${encodeURIComponent(jobId())}`);
    await refresh();
    if (!['DONE', 'FAILED', 'CANCELLED'].includes(job.state)) {
      let seen = job.candidatesDone;
      await BitPlan.follow(`/api/jobs/${encodeURIComponent(jobId())}/events`, async j => {
        job = j;
        if (j.candidatesDone !== seen || j.state === 'DONE') {
          seen = j.candidatesDone;
          await refresh();
        } else {
          summary();
        }
      });
    }
  }
})();
