// The operations page: everything it shows and changes goes through the scheduler's API, signed in
// with the page's session (CSRF token from the XSRF-TOKEN cookie on every change). No framework, no CDN.
'use strict';

const STAGES = ['REQUESTED', 'DUMPING', 'DUMPED', 'STORED', 'VERIFIED'];
const FINAL = ['VERIFIED', 'FAILED', 'INCONCLUSIVE'];
const ROLES = ['VIEWER', 'OPERATOR', 'ADMIN'];
const state = { me: null, next: null, jobs: [], openJob: null, timer: null };

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

function sparkline(values) {
  const points = values.filter((v) => v != null);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark'); svg.setAttribute('width', '90'); svg.setAttribute('height', '22'); svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', points.length ? 'sizes from ' + size(points[0]) + ' to ' + size(points[points.length - 1]) : 'no sizes yet');
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
    if (may('OPERATOR')) actions.append(el('button', { type: 'button', 'data-action': 'backup', 'data-target': t.targetId, onclick: () => openBackup(t.targetId) }, 'New backup'), ' ');
    if (may('ADMIN')) actions.append(el('button', { type: 'button', 'data-action': 'restore', onclick: () => openRestore(t.targetId) }, 'Restore'), ' ');
    actions.append(el('button', { type: 'button', 'data-action': 'retention', onclick: () => showRetention(t.targetId) }, 'Retention'));
    body.append(el('tr', { 'data-target': t.targetId },
      el('th', { scope: 'row' }, t.targetId, el('div', { class: 'detail' }, t.connection)),
      el('td', {}, el('span', { class: 'health ' + t.health, 'aria-label': t.health }), 'verified ' + ago(t.ageSeconds) + ' ago',
        el('div', { class: 'detail' }, 'limit ' + ago(t.freshnessLimitSeconds))),
      el('td', {}, t.lastVerdict || t.lastStatus || '—'),
      el('td', { class: 'wide' }, sparkline(t.recent.map((p) => p.sizeBytes)), ' ', size(t.recent.length ? t.recent[t.recent.length - 1].sizeBytes : null)),
      el('td', {}, restore.length ? (restore[restore.length - 1] / 1000).toFixed(1) + ' s' : '—',
        el('div', { class: 'detail' }, restore.length ? 'slowest ' + (Math.max(...restore) / 1000).toFixed(1) + ' s' : '')),
      el('td', {}, time(t.nextRun)),
      actions));
  }
  filter.value = chosen;
}

function progress(job) {
  const failed = job.status === 'FAILED', reached = STAGES.filter((s) => job.stages && job.stages[s]).length;
  const done = FINAL.includes(job.status);
  let percent = done ? 100 : Math.max(5, (reached / STAGES.length) * 100);
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
  if (job.artifact) parts.push(el('p', {}, 'Artifact: ', size(job.artifact.sizeBytes), ', ', job.artifact.format, ', pg_dump ', job.artifact.pgDumpVersion || '', ', server ', job.artifact.serverVersion || ''));
  if (job.location) parts.push(el('p', {}, 'Stored: s3://', job.location.bucket, '/', job.location.key));
  const v = job.verification;
  if (v) {
    parts.push(el('p', {}, 'Verdict ', el('strong', {}, v.verdict), ', restored in ', (v.restoreMillis / 1000).toFixed(1), ' s'));
    parts.push(el('div', { class: 'scroll' }, el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Table'), el('th', {}, 'Expected rows'), el('th', {}, 'Found rows'))),
      el('tbody', {}, (v.tables || []).map((t) => el('tr', {}, el('td', {}, t.schema + '.' + t.table), el('td', {}, String(t.expectedRows)), el('td', {}, t.foundRows == null ? 'missing' : String(t.foundRows))))))));
    if (v.differences && v.differences.length) parts.push(el('ul', {}, v.differences.map((d) => el('li', {}, d))));
    if (v.checks && v.checks.length) parts.push(el('ul', {}, v.checks.map((c) => el('li', {}, (c.passed ? '✓ ' : '✗ ') + c.name + (c.detail ? ': ' + c.detail : '')))));
    if (v.environmentProblems && v.environmentProblems.length) parts.push(el('ul', {}, v.environmentProblems.map((d) => el('li', {}, d))));
  }
  if (job.failure) parts.push(el('p', {}, 'Failed at ', job.failure.stage, ' (', job.failure.failureClass, '): ', job.failure.reason || ''));
  parts.push(el('p', { class: 'detail' }, 'Trace id ', job.traceId || '—'));
  $('job-body').replaceChildren(...parts);
  $('job').scrollIntoView({ block: 'nearest' });
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

function openBackup(targetId) { $('backup-target').textContent = targetId; $('backup-note').value = ''; $('backup-dialog').showModal(); }

async function startBackup(event) {
  event.preventDefault();
  const target = $('backup-target').textContent;
  try {
    const note = $('backup-note').value.trim();
    const job = await api('POST', '/targets/' + encodeURIComponent(target) + '/backups', note ? { note } : {});
    $('backup-dialog').close();
    say('Backup of ' + target + ' started: job ' + job.jobId);
    await loadJobs();
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
    if (state.openJob) await showJob(state.openJob);
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
