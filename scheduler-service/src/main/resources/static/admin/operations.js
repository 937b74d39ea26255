// The operations page: everything it shows and changes goes through the scheduler's API, signed in
// with the page's session (CSRF token from the XSRF-TOKEN cookie on every change). No framework, no CDN.
'use strict';

const STAGES = ['REQUESTED', 'DUMPING', 'DUMPED', 'STORED', 'VERIFIED'];
const FINAL = ['VERIFIED', 'FAILED', 'INCONCLUSIVE', 'DRY_RUN_PASSED', 'DRY_RUN_FAILED'];
const DRY_RUN_PARTS = { DUMP: 'Dump worker', STORE: 'Storage service', VERIFY: 'Verifier' };
const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'];
const state = { me: null, next: null, jobs: [], openJob: null, timer: null, drafts: {} };

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value; else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child ?? ''));
  return node;
};
const may = (role) => state.me && ROLES.indexOf(state.me.role) >= ROLES.indexOf(role);
const csrf = () => decodeURIComponent((document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN=')) || '=').split('=')[1]);

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-XSRF-TOKEN'] = csrf();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch('/api/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (response.status === 401) { location.href = '/login'; throw new Error('signed out'); }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((json && (json.detail || json.title)) || ('HTTP ' + response.status));
  return json;
}

function say(text, error = false) { const m = $('message'); m.textContent = text; m.className = error ? 'error' : ''; }
const time = (iso) => iso ? new Date(iso).toLocaleString() : '';
const ago = (seconds) => seconds == null ? 'never' : seconds < 3600 ? Math.round(seconds / 60) + ' min' : seconds < 172800 ? (seconds / 3600).toFixed(1) + ' h' : Math.round(seconds / 86400) + ' d';
const size = (bytes) => bytes == null ? '' : bytes < 1e6 ? (bytes / 1e3).toFixed(1) + ' kB' : bytes < 1e9 ? (bytes / 1e6).toFixed(1) + ' MB' : (bytes / 1e9).toFixed(2) + ' GB';

const seconds = (millis) => (millis / 1000).toFixed(1) + ' s';

function sparkline(values, what = 'sizes', show = size) {
  const points = values.filter((v) => v != null);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark'); svg.setAttribute('width', '90'); svg.setAttribute('height', '22'); svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', points.length ? what + ' from ' + show(points[0]) + ' to ' + show(points[points.length - 1]) : 'no ' + what + ' yet');
  if (points.length > 1) {
    const max = Math.max(...points), min = Math.min(...points), span = max - min || 1;
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#2563eb'); line.setAttribute('stroke-width', '1.5');
    line.setAttribute('points', points.map((v, i) => (i * 88 / (points.length - 1) + 1) + ',' + (20 - (v - min) * 18 / span)).join(' '));
    svg.append(line);
  }
  return svg;
}

async function loadTargets() {
  const overview = await api('GET', '/overview');
  const body = $('targets').tBodies[0];
  body.replaceChildren();
  const filter = $('filter-target');
  const chosen = filter.value;
  filter.replaceChildren(el('option', { value: '' }, 'all'));
  for (const t of overview.targets) {
    filter.append(el('option', { value: t.targetId }, t.targetId));
    const restore = t.recent.map((p) => p.restoreMillis).filter((v) => v != null);
    const actions = el('td', {});
    if (may('OPERATOR')) {
      actions.append(el('button', { type: 'button', 'data-action': 'backup', 'data-target': t.targetId, onclick: () => openBackup(t.targetId, 'backup') }, 'New backup'), ' ',
        el('button', { type: 'button', 'data-action': 'dry-run', onclick: () => openBackup(t.targetId, 'dry-run') }, 'Dry run'), ' ',
        el('button', { type: 'button', 'data-action': 'register', onclick: () => openBackup(t.targetId, 'register') }, 'Register external backup'), ' ');
    }
    if (may('ADMIN')) actions.append(el('button', { type: 'button', 'data-action': 'restore', onclick: () => openRestore(t.targetId) }, 'Restore'), ' ');
    actions.append(el('button', { type: 'button', 'data-action': 'retention', onclick: () => showRetention(t.targetId) }, 'Retention'));
    body.append(el('tr', { 'data-target': t.targetId },
      el('th', { scope: 'row' }, t.targetId, el('div', { class: 'detail' }, t.connection)),
      el('td', {}, el('span', { class: 'health ' + t.health, 'aria-label': t.health }), 'verified ' + ago(t.ageSeconds) + ' ago',
        el('div', { class: 'detail' }, 'limit ' + ago(t.freshnessLimitSeconds))),
      el('td', {}, t.lastVerdict || t.lastStatus || '—'),
      el('td', { class: 'wide' }, sparkline(t.recent.map((p) => p.sizeBytes)), ' ', size(t.recent.length ? t.recent[t.recent.length - 1].sizeBytes : null)),
      el('td', { class: 'trend' }, restore.length > 1 ? sparkline(restore, 'restore times', seconds) : '', ' ', restore.length ? seconds(restore[restore.length - 1]) : '—',
        el('div', { class: 'detail' }, restore.length ? 'slowest ' + seconds(Math.max(...restore)) : '')),
      el('td', {}, time(t.nextRun)),
      actions));
  }
  filter.value = chosen;
}

function progress(job) {
  const failed = job.status === 'FAILED', reached = STAGES.filter((s) => job.stages && job.stages[s]).length;
  const done = FINAL.includes(job.status);
  let percent = done ? 100 : job.dryRun ? 20 + 25 * Object.keys(job.dryRunChecks || {}).length : Math.max(5, (reached / STAGES.length) * 100);
  let detail = job.status;
  if (job.status === 'DUMPING' && job.progress) {
    detail = 'DUMPING ' + size(job.progress.bytesWritten) + (job.progress.currentTable ? ', ' + job.progress.currentTable : '');
    percent = Math.min(39, 20 + (Math.log10(1 + job.progress.bytesWritten) * 2));
  }
  const bar = el('div', { class: 'bar ' + job.status.toLowerCase(), role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(Math.round(percent)), 'aria-label': 'progress of job ' + job.jobId },
  el('div', { style: 'width:' + percent.toFixed(1) + '%' }));
  return [bar, el('div', { class: 'detail' }, failed && job.failure ? job.failure.failureClass : detail)];
}

async function loadJobs(append = false) {
  const params = new URLSearchParams({ limit: '50' });
  if ($('filter-target').value) params.set('targetId', $('filter-target').value);
  if ($('filter-status').value) params.set('status', $('filter-status').value);
  if (append && state.next) params.set('before', state.next);
  const page = await api('GET', '/jobs?' + params);
  state.jobs = append ? state.jobs.concat(page.jobs) : page.jobs;
  state.next = page.next;
  $('more').hidden = !page.next;
  const body = $('jobs').tBodies[0];
  body.replaceChildren(...state.jobs.map((job) => el('tr', { class: 'job-row', tabindex: '0', 'data-job': job.jobId,
    onclick: () => showJob(job.jobId), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); showJob(job.jobId); } } },
  el('td', {}, time(job.stages && job.stages.REQUESTED)), el('td', {}, job.targetId), el('td', { class: 'status' }, job.status),
  el('td', {}, progress(job)), el('td', {}, job.requestedBy || ''), el('td', { class: 'note' }, job.note || ''))));
}

async function showJob(jobId) {
  const job = await api('GET', '/jobs/' + jobId);
  state.openJob = jobId;
  $('job').hidden = false;
  $('job-title').textContent = 'Job ' + job.jobId;
  const stages = el('ol', {}, STAGES.concat(['FAILED']).filter((s) => job.stages && job.stages[s]).map((s) => el('li', {}, s + ' ' + time(job.stages[s]))));
  const parts = [el('p', {}, 'Target ', job.targetId, ', status ', el('strong', {}, job.status), ', asked by ', job.requestedBy || '—', job.note ? ' — “' + job.note + '”' : ''), stages];
  if (job.dryRun) parts.push(...dryRunChecks(job));
  if (job.artifactUrl) parts.push(el('p', {}, 'Dump made outside Vigil, fetched from ', el('code', {}, job.artifactUrl)));
  if (job.trigger === 'REGISTERED' && job.status === 'REQUESTED' && may('OPERATOR')) parts.push(reportForm(job));
  if (job.artifact) parts.push(el('p', {}, 'Artifact: ', size(job.artifact.sizeBytes), ', ', job.artifact.format, ', pg_dump ', job.artifact.pgDumpVersion || '', ', server ', job.artifact.serverVersion || ''));
  if (job.location) parts.push(el('p', {}, 'Stored: s3://', job.location.bucket, '/', job.location.key));
  const v = job.verification;
  if (v) {
    parts.push(el('p', {}, 'Verdict ', el('strong', {}, v.verdict), ', restored in ', (v.restoreMillis / 1000).toFixed(1), ' s',
      v.verdict === 'RESTORED' ? ' — made outside Vigil, so there was nothing to compare the counts with' : ''));
    parts.push(el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Table'), el('th', {}, 'Expected rows'), el('th', {}, 'Found rows'))),
      el('tbody', {}, (v.tables || []).map((t) => el('tr', {}, el('td', {}, t.schema + '.' + t.table), el('td', {}, t.expectedRows == null ? '—' : String(t.expectedRows)), el('td', {}, t.foundRows == null ? 'missing' : String(t.foundRows))))))));
    if (v.differences && v.differences.length) parts.push(el('ul', {}, v.differences.map((d) => el('li', {}, d))));
    if (v.checks && v.checks.length) parts.push(el('ul', {}, v.checks.map((c) => el('li', {}, (c.passed ? '✓ ' : '✗ ') + c.name + (c.detail ? ': ' + c.detail : '')))));
    if (v.environmentProblems && v.environmentProblems.length) parts.push(el('ul', {}, v.environmentProblems.map((d) => el('li', {}, d))));
  }
  if (job.failure) parts.push(el('p', {}, 'Failed at ', job.failure.stage, ' (', job.failure.failureClass, '): ', job.failure.reason || ''));
  parts.push(el('p', { class: 'detail' }, 'Trace id ', job.traceId || '—'));
  $('job-body').replaceChildren(...parts);
  $('job').scrollIntoView({ block: 'nearest' });
}

function dryRunChecks(job) {
  const parts = [el('h3', {}, 'Dry run checks')];
  for (const [stage, name] of Object.entries(DRY_RUN_PARTS)) {
    const part = (job.dryRunChecks || {})[stage];
    if (!part) { parts.push(el('p', { class: 'detail', 'data-part': stage }, name + ': not answered yet')); continue; }
    parts.push(el('p', { 'data-part': stage }, el('strong', {}, name), part.passed ? ': every check passed' : ': a check failed',
      part.estimatedBytes != null ? ' (estimated size ' + size(part.estimatedBytes) + ')' : ''));
    parts.push(el('ul', { class: 'checks' }, (part.checks || []).map((c) => el('li', { class: c.passed ? 'passed' : 'failed', 'data-check': c.name },
      (c.passed ? '✓ ' : '✗ ') + c.name + (c.detail ? ': ' + c.detail : '')))));
  }
  return parts;
}

function reportForm(job) {
  // The job's detail is redrawn while the page polls: what was typed is kept per job, and the focus too.
  const draft = state.drafts[job.jobId] || (state.drafts[job.jobId] = { url: '', sha: '', reason: '', outcome: 'success', focus: null });
  const field = (node, key) => {
    node.value = draft[key];
    node.addEventListener('input', () => { draft[key] = node.value; });
    node.addEventListener('change', () => { draft[key] = node.value; });
    node.addEventListener('focus', () => { draft.focus = node.id; });
    return node;
  };
  const url = field(el('input', { id: 'report-url', placeholder: 's3://bucket/incoming/' + job.targetId + '.dump', size: '50' }), 'url');
  const sha = field(el('input', { id: 'report-sha256', placeholder: 'optional', size: '20' }), 'sha');
  const reason = field(el('input', { id: 'report-reason', placeholder: 'why it failed', size: '40' }), 'reason');
  const outcome = field(el('select', { id: 'report-outcome' }, el('option', { value: 'success' }, 'success'), el('option', { value: 'failed' }, 'failed')), 'outcome');
  if (draft.focus) setTimeout(() => { const again = document.getElementById(draft.focus); if (again && document.activeElement === document.body) again.focus(); }, 0);
  const form = el('form', { id: 'report-form', class: 'report' }, el('h3', {}, 'Update'),
    el('label', {}, 'Outcome ', outcome), el('label', {}, 'Artifact URL ', url), el('label', {}, 'SHA-256 ', sha), el('label', {}, 'Reason ', reason),
    el('button', { type: 'submit', id: 'report-send' }, 'Update'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = outcome.value === 'success' ? { status: 'success', artifactUrl: url.value.trim() } : { status: 'failed', reason: reason.value.trim() };
    if (outcome.value === 'success' && sha.value.trim()) body.sha256 = sha.value.trim();
    try {
      const answer = await api('PATCH', '/jobs/' + job.jobId, body);
      delete state.drafts[job.jobId];
      say('Job ' + job.jobId + ' reported: ' + answer.status);
      await showJob(job.jobId);
      await refresh();
    } catch (e) { say(e.message, true); }
  });
  return form;
}

async function showRetention(targetId) {
  try {
    const plan = await api('GET', '/targets/' + encodeURIComponent(targetId) + '/retention');
    $('retention').hidden = false;
    $('retention-title').textContent = 'Retention of ' + targetId;
    const row = (b, kept) => {
      const held = (b.reasons || []).includes('legal hold');
      const cells = [el('td', {}, time(b.takenAt)), el('td', {}, b.jobId), el('td', {}, kept ? 'kept' : 'would delete'), el('td', {}, (b.reasons || []).join(', '))];
      if (may('ADMIN')) cells.push(el('td', {}, el('button', { type: 'button', 'data-hold': b.jobId, onclick: () => hold(targetId, b.jobId, !held) }, held ? 'Lift hold' : 'Hold')));
      return el('tr', {}, cells);
    };
    $('retention-body').replaceChildren(el('p', {}, 'Policy (', plan.policySource, '): ', JSON.stringify(plan.policy)),
      el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Taken'), el('th', {}, 'Job'), el('th', {}, 'Decision'), el('th', {}, 'Why'))),
        el('tbody', {}, plan.kept.map((b) => row(b, true)), plan.wouldDelete.map((b) => row(b, false))))));
  } catch (e) { say(e.message, true); }
}

async function hold(targetId, jobId, on) {
  try { await api(on ? 'PUT' : 'DELETE', '/backups/' + jobId + '/legal-hold'); say((on ? 'Legal hold set on ' : 'Legal hold lifted from ') + jobId); await showRetention(targetId); } catch (e) { say(e.message, true); }
}

const BACKUP_MODES = {
  backup: { title: 'New backup of ', button: 'Start backup', done: 'Backup of %s started: job ' },
  'dry-run': { title: 'Dry run of ', button: 'Start dry run', done: 'Dry run of %s started (no backup is taken): job ' },
  register: { title: 'Register an external backup of ', button: 'Register', done: 'External backup of %s registered; run the dump, then open the job and Update it: job ' },
};

function openBackup(targetId, mode) {
  state.backupMode = mode;
  $('backup-kind').textContent = BACKUP_MODES[mode].title;
  $('backup-start').textContent = BACKUP_MODES[mode].button;
  $('backup-target').textContent = targetId; $('backup-note').value = ''; $('backup-dialog').showModal();
}

async function startBackup(event) {
  event.preventDefault();
  const target = $('backup-target').textContent, mode = state.backupMode || 'backup';
  try {
    const note = $('backup-note').value.trim();
    const path = mode === 'register' ? '/jobs' : '/targets/' + encodeURIComponent(target) + '/backups' + (mode === 'dry-run' ? '?dryRun=true' : '');
    const body = mode === 'register' ? { targetId: target } : {};
    if (note) body.note = note;
    const job = await api('POST', path, body);
    $('backup-dialog').close();
    say(BACKUP_MODES[mode].done.replace('%s', target) + job.jobId);
    await loadJobs();
    if (mode === 'register') await showJob(job.jobId);
  } catch (e) { say(e.message, true); }
}

async function openRestore(targetId) {
  $('restore-target').textContent = targetId;
  const select = $('restore-backup');
  select.replaceChildren(el('option', { value: '' }, 'newest verified'));
  const page = await api('GET', '/jobs?status=VERIFIED&limit=50&targetId=' + encodeURIComponent(targetId));
  for (const job of page.jobs) select.append(el('option', { value: job.jobId }, time(job.stages.VERIFIED) + ' — ' + job.jobId.slice(0, 8)));
  $('restore-dialog').showModal();
}

async function startRestore(event) {
  event.preventDefault();
  const target = $('restore-target').textContent, database = $('restore-database').value.trim(), clean = $('restore-clean').checked;
  if (clean && $('restore-confirm').value.trim() !== database) { say('Type the database name again to confirm dropping it', true); return; }
  const tables = $('restore-tables').value.split(',').map((t) => t.trim()).filter(Boolean);
  const body = { database, clean, tables };
  if ($('restore-backup').value) body.jobId = $('restore-backup').value;
  if ($('restore-server').value.trim()) body.server = $('restore-server').value.trim();
  try {
    const restore = await api('POST', '/targets/' + encodeURIComponent(target) + '/restores', body);
    $('restore-dialog').close();
    say('Restore ' + restore.restoreId + ' of ' + target + ' into ' + database + ' requested');
  } catch (e) { say(e.message, true); }
}

async function loadAudit() {
  const page = await api('GET', '/audit?limit=20');
  $('audit').tBodies[0].replaceChildren(...page.entries.map((e) => el('tr', {}, el('td', {}, time(e.at)), el('td', {}, e.principal + ' (' + e.role + ')'),
    el('td', {}, e.service), el('td', {}, e.method + ' ' + e.path), el('td', {}, e.outcome + ' ' + e.status))));
}

async function refresh() {
  try {
    await loadJobs();
    // A registered job waiting for its report changes only when it is reported: leave the form being filled in alone.
    if (state.openJob && !$('report-form')) await showJob(state.openJob);
  } catch (e) { say(e.message, true); }
  const running = state.jobs.some((job) => !FINAL.includes(job.status));
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, running ? 1000 : 5000);
}

async function start() {
  state.me = await api('GET', '/me');
  $('who').textContent = state.me.name + ' (' + state.me.role.toLowerCase() + ')';
  $('signout').addEventListener('click', async () => {
    await fetch('/logout', { method: 'POST', headers: { 'X-XSRF-TOKEN': csrf() }, credentials: 'same-origin', redirect: 'manual' });
    location.href = '/login?logout';
  });
  $('backup-form').addEventListener('submit', startBackup);
  $('restore-form').addEventListener('submit', startRestore);
  $('restore-clean').addEventListener('change', () => { $('restore-confirm-label').hidden = !$('restore-clean').checked; });
  document.querySelectorAll('dialog .cancel').forEach((b) => b.addEventListener('click', () => b.closest('dialog').close()));
  $('job-close').addEventListener('click', () => { $('job').hidden = true; state.openJob = null; });
  $('retention-close').addEventListener('click', () => { $('retention').hidden = true; });
  $('more').addEventListener('click', () => loadJobs(true).catch((e) => say(e.message, true)));
  $('filter-target').addEventListener('change', refresh);
  $('filter-status').addEventListener('change', refresh);
  await loadTargets();
  await loadAudit().catch(() => {});
  await refresh();
  setInterval(() => { loadTargets().catch(() => {}); loadAudit().catch(() => {}); }, 15000);
}

start().catch((e) => say(e.message, true));
