// XML plumbing for JUnit files: parse and serialise with @xmldom/xmldom, safe text, child lookup, indentation.
import * as fs from 'node:fs';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { InputError, describeError } from '../errors';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** ANSI colour/cursor sequences (jest and board consoles emit them); they mean nothing in a report. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
/** Everything outside the XML 1.0 Char production, including lone surrogates. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text that is always legal XML 1.0: colour codes dropped, other illegal characters written out as `\xNN` / `\u{NNNN}`. */
export function xmlSafe(text: string): string {
  return text.replace(ANSI, '').replace(NOT_XML_CHAR, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Caps a long text (a 1 MB assertion diff) so one test cannot blow a CI system's report size limit. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n... (${text.length - max} more characters cut; the evidence directory has the full logs)`;
}

export function parseXml(text: string, file: string): Document {
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    throw new InputError('E_IO', `${file} is not well-formed XML: ${describeError(e).split('\n')[0] ?? ''}`, { file }, { cause: e });
  }
}

export function readXmlFile(file: string): Document {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(e);
    throw new InputError('E_IO', `cannot read ${file}: ${why}`, { file }, { cause: e });
  }
  return parseXml(text, file);
}

export function newDocument(rootName: string): Document {
  return new DOMParser().parseFromString(`<${rootName}/>`, 'text/xml');
}

/** Serialises with an XML declaration; refuses (throws) rather than write ill-formed XML. */
export function serializeXml(doc: Document): string {
  indent(doc.documentElement as Element, 0);
  const body = new XMLSerializer().serializeToString(doc.documentElement as Element, { requireWellFormed: true });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

/** Writes through a temporary file and a rename, so a reader never sees half a report. */
export function writeXmlFile(file: string, doc: Document): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, serializeXml(doc));
  fs.renameSync(tmp, file);
}

export function childElements(parent: Node, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && (name === undefined || n.nodeName === name)) out.push(n as Element);
  }
  return out;
}

export function firstChild(parent: Node, name: string): Element | undefined {
  return childElements(parent, name)[0];
}

/** Appends `<name attr...>text</name>`; attribute values and text are made XML-safe here, once. */
export function appendElement(parent: Element, name: string, attrs: Record<string, string | number | undefined> = {}, text?: string): Element {
  const doc = parent.ownerDocument as Document;
  const el = doc.createElement(name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, xmlSafe(String(v)));
  if (text !== undefined && text !== '') el.appendChild(doc.createTextNode(xmlSafe(text)));
  parent.appendChild(el);
  return el;
}

/** Pretty-prints element-only content two spaces per level; text content (failure bodies, logs) is left untouched. */
function indent(el: Element, depth: number): void {
  const children: Node[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) children.push(n);
  const elementOnly = children.every((n) => n.nodeType === ELEMENT_NODE || (n.nodeType === TEXT_NODE && (n.nodeValue ?? '').trim() === ''));
  if (!elementOnly) return;
  const doc = el.ownerDocument as Document;
  for (const n of children) if (n.nodeType === TEXT_NODE) el.removeChild(n);
  const elements = children.filter((n) => n.nodeType === ELEMENT_NODE) as Element[];
  if (elements.length === 0) return;
  const pad = (d: number): string => `\n${'  '.repeat(d)}`;
  for (const child of elements) {
    el.insertBefore(doc.createTextNode(pad(depth + 1)), child);
    indent(child, depth + 1);
  }
  el.appendChild(doc.createTextNode(pad(depth)));
}
