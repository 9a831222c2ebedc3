// The org change feed (GET /api/admin/org/changes) newest first, filtered by kind, operation and
// id or name, with field names in Chinese and department names (from the department tree, GET
// /api/admin/org/departments) beside department ids.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.mjs';
import { useFeed } from './feed.mjs';
import { ErrorNote, Pager, TimeAndSeq } from './ui.mjs';

const KIND = { department: '部门', member: '成员' };
const OP = { created: '新增', updated: '更新', deleted: '删除' };
const FIELD = {
  id: '部门 ID',
  userid: '账号',
  name: '名称',
  department: '部门',
  mainDepartment: '主部门',
  position: '职务',
  status: '状态',
  parentid: '上级部门',
  order: '排序',
  leaders: '负责人',
};
const STATUS = { 1: '已激活', 2: '已禁用', 4: '未激活', 5: '已退出企业' };
// As long as the server takes.
const MAX_QUERY = 100;

/** id → name of every department in the tree, walked without recursion (trees can be deep). */
function departmentNames(tree) {
  const names = new Map();
  const stack = [...tree];
  while (stack.length > 0) {
    const department = stack.pop();
    if (department.name) names.set(department.id, department.name);
    for (const child of department.children ?? []) stack.push(child);
  }
  return names;
}

/** The department tree's names, read again whenever `version` changes (after each sync). */
function useDepartmentNames(version) {
  const [names, setNames] = useState(new Map());
  useEffect(() => {
    api('GET', '/api/admin/org/departments').then(
      (answer) => setNames(departmentNames(answer.departments)),
      // Without the tree the feed still shows the ids.
      () => {},
    );
  }, [version]);
  return names;
}

/** A department id with its name beside it, where the name is known. */
function Department({ id, name }) {
  if (id === 0) return html`<span class="muted">无（根部门）</span>`;
  return html`<span data-department=${id}>${name ?? ''} <code class=${name ? 'raw' : ''}>${id}</code></span>`;
}

const joined = (items) => items.flatMap((item, index) => (index === 0 ? [item] : ['、', item]));

/** One field's value as an admin reads it: department ids with their names, status in words. */
function Value({ field, value, names }) {
  if (value === undefined || value === null) return html`<span class="muted">—</span>`;
  if (field === 'department' && Array.isArray(value))
    return html`${joined(value.map((id) => html`<${Department} id=${id} name=${names.get(id)} />`))}`;
  if ((field === 'mainDepartment' || field === 'parentid') && typeof value === 'number')
    return html`<${Department} id=${value} name=${names.get(value)} />`;
  if (field === 'status' && STATUS[value])
    return html`<span title=${value}>${STATUS[value]}</span>`;
  if (Array.isArray(value)) return value.join('、');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Diff({ change, names }) {
  const keys = [
    ...new Set([...Object.keys(change.before ?? {}), ...Object.keys(change.after ?? {})]),
  ];
  if (keys.length === 0) return html`<span class="muted">—</span>`;
  return html`${keys.map((key) => {
    const value = (side) =>
      html`<${Value} field=${key} value=${change[side]?.[key]} names=${names} />`;
    return html`<div data-field=${key}><span class="field" title=${key}>${FIELD[key] ?? key}</span>
      ${change.op === 'created' ? value('after') : change.op === 'deleted' ? value('before') : html`${value('before')} → ${value('after')}`}</div>`;
  })}`;
}

/** The record's id, with the name it carries (or, for a department, the tree's). */
function RecordId({ change, names }) {
  const name = change.after?.name ?? change.before?.name;
  if (change.kind === 'department')
    return html`<${Department} id=${change.id} name=${name ?? names.get(change.id)} />`;
  return html`<code>${change.id}</code>${name ? html` ${name}` : ''}`;
}

function Filters({ filters, onChange }) {
  const [text, setText] = useState(filters.q);
  const submit = (event) => {
    event.preventDefault();
    onChange({ ...filters, q: text.trim() });
  };
  const select = (key) => (event) => onChange({ ...filters, [key]: event.currentTarget.value });
  return html`<form class="filters" data-filters onSubmit=${submit}>
    <select data-filter="kind" value=${filters.kind} onChange=${select('kind')} aria-label="对象">
      <option value="">全部对象</option>
      ${Object.entries(KIND).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
    </select>
    <select data-filter="op" value=${filters.op} onChange=${select('op')} aria-label="变更">
      <option value="">全部变更</option>
      ${Object.entries(OP).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
    </select>
    <input type="search" data-filter="q" maxlength=${MAX_QUERY} placeholder="按 ID 或名称查找" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
    <button class="secondary" type="submit" data-action="search">查找</button>
  </form>`;
}

/** The feed; `version` changes when a sync has finished: back to the newest records then. */
export function ChangeFeed({ version }) {
  const [filters, setFilters] = useState({ kind: '', op: '', q: '' });
  const feed = useFeed('/api/admin/org/changes', 'changes', filters);
  const names = useDepartmentNames(version);
  useEffect(() => {
    if (version > 0) feed.refresh();
  }, [version]);

  const filtered = Object.values(filters).some(Boolean);
  return html`<h2>变更记录 <span class="muted">（最新的在前）</span></h2>
    <${Filters} filters=${filters} onChange=${setFilters} />
    <${ErrorNote} text=${feed.error} />
    <${Pager} feed=${feed} />
    <div class="table-wrap"><table data-table="changes">
      <thead><tr><th>时间 · 序号</th><th>对象</th><th>变更</th><th>ID</th><th>内容</th></tr></thead>
      <tbody>${feed.items.map(
        (
          change,
        ) => html`<tr key=${change.seq} data-seq=${change.seq} data-kind=${change.kind} data-op=${change.op}>
          <td><${TimeAndSeq} record=${change} /></td><td>${KIND[change.kind] ?? change.kind}</td>
          <td>${OP[change.op] ?? change.op}</td><td class="nowrap" data-column="id"><${RecordId} change=${change} names=${names} /></td>
          <td><${Diff} change=${change} names=${names} /></td>
        </tr>`,
      )}</tbody>
    </table></div>
    ${!feed.busy && feed.items.length === 0 && !feed.hasNext && !feed.error && html`<p class="muted" data-empty>${filtered ? '没有符合条件的变更记录。' : '没有变更记录。'}</p>`}`;
}
