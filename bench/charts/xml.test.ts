import { describe, expect, it } from 'vitest';
import { findAll, parseXml } from './xml.ts';

describe('parseXml', () => {
  it('reads elements, attributes, entities and text', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2"><b/>t&lt;x&#65;<c y=\'q\'>in</c></a>\n');
    expect(root.name).toBe('a');
    expect(root.attrs.x).toBe('1 & 2');
    expect(root.text).toBe('t<xA');
    expect(findAll(root, (e) => e.name === 'c')[0]?.attrs.y).toBe('q');
  });

  it.each([
    ['<a><b></a>', /closes/],
    ['<a x=1/>', /not quoted/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>&nbsp;</a>', /unknown entity/],
    ['<a>x & y</a>', /bare/],
    ['<a/><b/>', /after the root/],
    ['<a>', /never closed/],
  ])('refuses %s', (source, problem) => {
    expect(() => parseXml(source)).toThrow(problem);
  });
});
