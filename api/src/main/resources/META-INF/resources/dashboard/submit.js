// Submitting a search without curl: upload (or pick) a model and data, set budgets and options, POST /api/jobs. The
// API's 4xx answers are shown next to the field they name.
(() => {
  const $ = id => document.getElementById(id);

  function clearErrors() {
    document.querySelectorAll('.field-error').forEach(e => e.remove());
    document.querySelector('[data-error-for=""]').textContent = '';
  }

  /** Shows a problem next to the input whose data-field it names (or its closest parent path), else above the button. */
  function showError(e, fallback) {
    let field = e.field;
    let input = null;
    while (field && !(input = document.querySelector(`[data-field="${field}"]`))) {
      field = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : null;
    }
    if (!input && fallback) input = fallback;
    if (input) {
      input.closest('label').append(BitPlan.el('span', { class: 'field-error error' }, e.message));
    } else {
      document.querySelector('[data-error-for=""]').textContent = e.message;
    }
  }

  async function upload(path, file, name) {
    const body = new FormData();
    body.append('file', file);
    if (name) body.append('name', name);
    const response = await fetch(path, { method: 'POST', body, headers: { Authorization: 'Bearer ' + sessionStorage.getItem('bitplan.token') } });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new BitPlan.ApiError(response.status, json.detail || response.statusText, json.field);
    return json;
  }

  const number = id => ($(id).value === '' ? undefined : Number($(id).value));

  async function modelVersion() {
    if ($('model-version').value) return $('model-version').value;
    const file = $('model-file').files[0];
    if (!file) throw new BitPlan.ApiError(400, 'pick an uploaded model or choose an ONNX file', 'modelVersionId');
    const name = $('model-name').value.trim() || file.name.replace(/\.onnx$/, '');
    try {
      return (await upload('/api/models', file, name)).versionId;
    } catch (e) {
      if (e.status !== 409) throw e;
      return (await upload(`/api/models/${encodeURIComponent(name)}/versions`, file)).versionId; // a new version of that model
    }
  }

  async function dataset() {
    if ($('dataset').value) return $('dataset').value;
    const file = $('dataset-file').files[0];
    if (!file) throw new BitPlan.ApiError(400, 'pick an uploaded dataset or choose an NPZ file', 'datasetId');
    return (await upload('/api/datasets', file, file.name.replace(/\.npz$/, ''))).id;
  }

  async function submit(ev) {
    ev.preventDefault();
    clearErrors();
    $('submit').disabled = true;
    try {
      const spec = {
        method: $('method').value,
        budgets: { maxSizeRatio: number('maxSizeRatio'), maxSizeBytes: number('maxSizeBytes'), maxLatencyMs: number('maxLatencyMs'),
          minMetric: number('minMetric'), maxDrop: number('maxDrop') },
        space: { weightBits: $('weightBits').value.split(',').map(s => s.trim()).filter(Boolean).map(Number) },
        candidates: number('candidates'), seed: number('seed'), sensitivity: $('sensitivity').value,
      };
      if ($('metric').value) spec.metric = $('metric').value;
      if ($('trainData').value) spec.trainData = $('trainData').value;
      if ($('qatSteps').value !== '') spec.qatSteps = number('qatSteps');
      const body = { modelVersionId: await modelVersion(), datasetId: await dataset(), spec };
      if ($('calibration').value) body.calibrationDatasetId = $('calibration').value;
      const response = await fetch('/api/jobs', { method: 'POST', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + sessionStorage.getItem('bitplan.token') } });
      const json = await response.json().catch(() => ({}));
      if (!response.ok) throw new BitPlan.ApiError(response.status, json.detail || response.statusText, json.field);
      window.location = '/jobs/' + encodeURIComponent(json.id);
    } catch (e) {
      showError(e);
    } finally {
      $('submit').disabled = false;
    }
  }

  BitPlan.start(async () => {
    const models = await BitPlan.json('/api/models');
    for (const m of models) {
      const detail = await BitPlan.json(`/api/models/${encodeURIComponent(m.name)}`);
      detail.versions.forEach(v => $('model-version').append(BitPlan.el('option', { value: v.versionId }, `${m.name} v${v.version}`)));
    }
    const datasets = await BitPlan.json('/api/datasets');
    datasets.forEach(d => {
      $('dataset').append(BitPlan.el('option', { value: d.id }, `${d.name} (${d.samples} samples)`));
      $('calibration').append(BitPlan.el('option', { value: d.id }, `${d.name} (${d.samples} samples)`));
      $('trainData').append(BitPlan.el('option', { value: d.id }, `${d.name} (${d.samples} samples)`));
    });
    $('submit-form').addEventListener('submit', submit);
  });
})();
