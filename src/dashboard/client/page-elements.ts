export type Child = Node | string | null | undefined;

/** An element with its attributes and children (null and undefined children are left out). */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** A panel of the page: `<section id class="panel"><h2>title</h2>…`. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { id, class: 'panel' }, el('h2', {}, title), ...children);
}

/** What a panel shows when the table it draws was not built in this publication. */
export function notPublished(table: string): HTMLElement {
  return el('p', { class: 'empty' }, `Not in this publication (${table} was not built).`);
}
